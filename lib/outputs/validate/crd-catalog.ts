/**
 * CustomResourceDefinition files on disk: which schema a `group/version` `kind` has. Used to
 * compile validators at build time from the vendored `crds/`, and at run time for the CRDs a
 * user passes with `--crds` (e.g. `kubectl get crd -o yaml` of their cluster).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { isPlainObject } from './manifest-problems';

/** One served version of a CRD kind and its OpenAPI schema. */
export interface CrdKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly schema: unknown;
  readonly file: string;
}

/** Parsed CRD files by absolute path: several catalogs in one process share them. */
const parsedFiles = new Map<string, { readonly text: string; docs?: unknown[] }>();

function entry(file: string) {
  let e = parsedFiles.get(file);
  if (!e) {
    e = { text: fs.readFileSync(file, 'utf8') };
    parsedFiles.set(file, e);
  }
  return e;
}

function docsOf(file: string): unknown[] {
  const e = entry(file);
  e.docs ??= YAML.parseAllDocuments(e.text).flatMap((doc) => {
    if (doc.errors.length) throw new Error(`cannot parse CRD file ${file}: ${doc.errors[0].message}`);
    const js = doc.toJS({ maxAliasCount: -1 });
    // `kubectl get crd -o yaml` wraps several CRDs in a List.
    return isPlainObject(js) && js.kind === 'List' && Array.isArray(js.items) ? js.items : [js];
  });
  return e.docs;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `key: value` as a whole YAML/JSON scalar (optionally quoted); used to skip parsing unrelated files. */
function mentions(text: string, key: string, value: string): boolean {
  return new RegExp(`(^|[\\s{,])["']?${key}["']?\\s*:\\s*["']?${escapeRegExp(value)}["']?\\s*($|[\\s,}#])`, 'm').test(text);
}

/** The YAML/JSON files of a CRD dir (or the path itself when it is a file), sorted for determinism. */
function listCrdFiles(dir: string): string[] {
  const abs = path.resolve(dir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    throw new Error(`CRD directory not found: ${abs}`);
  }
  if (stat.isFile()) return [abs];
  return fs
    .readdirSync(abs)
    .filter((f) => /\.(ya?ml|json)$/i.test(f))
    .sort()
    .map((f) => path.join(abs, f))
    .filter((f) => fs.statSync(f).isFile());
}

interface CrdDoc {
  readonly kind?: unknown;
  readonly spec?: {
    readonly group?: unknown;
    readonly names?: { readonly kind?: unknown };
    readonly versions?: readonly {
      readonly name?: unknown;
      readonly served?: unknown;
      readonly schema?: { readonly openAPIV3Schema?: unknown };
    }[];
    readonly validation?: { readonly openAPIV3Schema?: unknown };
  };
}

/** The CRDs in a set of directories; files are parsed only when a kind they mention is looked up. */
export class CrdCatalog {
  public readonly files: readonly string[];

  /** Lists the CRD files (nothing is parsed yet); throws when a directory does not exist. */
  constructor(dirs: readonly string[]) {
    this.files = dirs.flatMap(listCrdFiles);
  }

  /**
   * The schema of `group/version` `kind` from the first file defining it, or the served versions
   * when the kind exists but that version is not served.
   */
  public find(group: string, version: string, kind: string): CrdKind | { readonly served: string[] } | undefined {
    let served: string[] | undefined;
    for (const file of this.files) {
      const { text } = entry(file);
      if (!mentions(text, 'kind', kind) || !mentions(text, 'group', group)) continue;
      for (const k of this.kindsOf(file, true)) {
        if (k.group !== group || k.kind !== kind) continue;
        if (k.version === version && k.schema !== undefined) return k;
        served ??= [];
        if (k.schema !== undefined) served.push(k.version);
      }
    }
    return served ? { served } : undefined;
  }

  /** Every served kind and version in the catalog, in file order. */
  public all(): CrdKind[] {
    return this.files.flatMap((f) => this.kindsOf(f, false));
  }

  /** Kinds of one file; with `withUnserved`, unserved versions come with `schema: undefined`. */
  private kindsOf(file: string, withUnserved: boolean): CrdKind[] {
    const out: CrdKind[] = [];
    for (const raw of docsOf(file)) {
      const doc = raw as CrdDoc;
      if (!isPlainObject(doc) || doc.kind !== 'CustomResourceDefinition' || !isPlainObject(doc.spec)) continue;
      const { spec } = doc;
      const group = String(spec.group);
      const kind = String(spec.names?.kind);
      for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
        const served = v?.served !== false;
        if (!served && !withUnserved) continue;
        // apiextensions v1 keeps the schema per version; v1beta1 may share one at spec.validation.
        const schema = served ? (v.schema?.openAPIV3Schema ?? spec.validation?.openAPIV3Schema ?? { type: 'object' }) : undefined;
        out.push({ group, version: String(v?.name), kind, schema, file });
      }
    }
    return out;
  }
}
