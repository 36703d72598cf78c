/**
 * Offline validation of rendered manifests: custom resources against the OpenAPI schemas of pinned
 * CRDs (ajv), core kinds against `kubernetes-models`, plus the few checks neither does (object
 * names, CronJob schedules, duplicate entries in list-type set/map arrays).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import type { ErrorObject, SchemaObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { RE2 } from 're2-wasm';
import * as YAML from 'yaml';

/** One thing wrong with one manifest object. */
export interface ManifestProblem {
  /** index of the object in the input array */
  readonly index: number;
  /** e.g. "postgresql.cnpg.io/v1 Cluster forgejo-db" */
  readonly object: string;
  /** JSON path inside the object, e.g. "spec.storage.size" ("" for the root) */
  readonly path: string;
  /** human message: what is wrong and what is allowed, e.g. "must be one of: a, b" / "unknown field \"foo\"" */
  readonly message: string;
}

/** Where a {@link ManifestValidator} finds its CRDs. */
export interface ManifestValidatorProps {
  /** Directories holding CustomResourceDefinition YAML files (each file one or more CRD documents). */
  readonly crdDirs: string[];
}

/** A validation function for one kind; returns ajv-style errors (paths relative to the object). */
type KindCheck = (obj: Record<string, unknown>) => ErrorObject[];

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Validates Kubernetes manifest objects offline.
 *
 * Custom resources are checked against the served version's `openAPIV3Schema` of a CRD found in
 * `crdDirs`, with unknown fields rejected wherever the schema does not preserve them (the API
 * server would prune them silently, which hides typos). CEL rules (`x-kubernetes-validations`)
 * are not evaluated. Core kinds are checked with `kubernetes-models` (no unknown-field check).
 * Every object must have `metadata.name` (a DNS subdomain): rendered manifests are applied, and
 * `kubectl apply` does not support `generateName`.
 *
 * CRD files are read when a kind is first looked up and kept for the process; schemas are
 * compiled once per kind and validator.
 */
export class ManifestValidator {
  private readonly crdFiles: string[];
  private readonly ajv: Ajv;
  private readonly checks = new Map<string, KindCheck | undefined>();
  private readonly unserved = new Map<string, string[]>();

  /** Lists the CRD files (nothing is parsed yet); throws when a directory does not exist. */
  constructor(props: ManifestValidatorProps) {
    this.crdFiles = props.crdDirs.flatMap(listCrdFiles);
    this.ajv = newAjv();
  }

  /**
   * the apiVersion/kind pairs the validator knows (CRD kinds from crdDirs + core kinds); a CRD
   * version with `served: false` is not known. Parses the CRD files that mention the kind.
   */
  knows(apiVersion: string, kind: string): boolean {
    return this.checkFor(apiVersion, kind) !== undefined;
  }

  /**
   * Validates each object; returns every problem found (empty when all are valid), in input order.
   * Throws only when a CRD file cannot be parsed.
   */
  validate(objects: readonly any[]): ManifestProblem[] {
    const problems: ManifestProblem[] = [];
    objects.forEach((obj, index) => {
      const object = describeObject(obj, index);
      const seen = new Set<string>();
      const add = (p: string, message: string) => {
        const key = `${p}\0${message}`;
        if (seen.has(key)) return;
        seen.add(key);
        problems.push({ index, object, path: p, message });
      };
      if (!isPlainObject(obj)) {
        add('', 'must be an object (a Kubernetes manifest)');
        return;
      }
      const { apiVersion, kind } = obj;
      if (typeof apiVersion !== 'string' || apiVersion === '') add('', 'missing required field "apiVersion"');
      if (typeof kind !== 'string' || kind === '') add('', 'missing required field "kind"');
      for (const [p, message] of checkMetadata(obj.metadata)) add(p, message);
      if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) return;

      const check = this.checkFor(apiVersion, kind);
      if (!check) {
        const served = this.unserved.get(`${apiVersion}|${kind}`);
        const hint = served
          ? `its CRD serves only: ${served.length ? served.join(', ') : 'no version'}`
          : 'add its CRD with --crds DIR';
        add('', `no schema for ${apiVersion} ${kind} (${hint})`);
        return;
      }
      for (const p of ajvProblems(check(obj), obj)) add(p.path, p.message);
      if (kind === 'CronJob' && apiVersion.startsWith('batch/')) {
        const spec = obj.spec;
        const message = isPlainObject(spec) ? checkCronSchedule(spec.schedule) : undefined;
        if (message) add('spec.schedule', message);
      }
    });
    return problems;
  }

  /** Core kinds first (a cheap module lookup), then CRDs; `undefined` when neither knows the kind. */
  private checkFor(apiVersion: string, kind: string): KindCheck | undefined {
    const key = `${apiVersion}|${kind}`;
    if (this.checks.has(key)) return this.checks.get(key);
    const check = coreCheck(apiVersion, kind) ?? this.crdCheck(apiVersion, kind);
    this.checks.set(key, check);
    return check;
  }

  private crdCheck(apiVersion: string, kind: string): KindCheck | undefined {
    const slash = apiVersion.indexOf('/');
    if (slash <= 0) return undefined; // CRDs cannot live in the core group
    const group = apiVersion.slice(0, slash);
    const version = apiVersion.slice(slash + 1);
    const found = findCrdSchema(this.crdFiles, group, version, kind);
    if (!found) return undefined;
    if ('served' in found) {
      this.unserved.set(`${apiVersion}|${kind}`, found.served);
      return undefined;
    }
    // Compile on first use: knows() only needs the lookup, and PGO alone takes ~0.2 s to compile.
    let compiled: KindCheck | undefined;
    return (obj) => (compiled ??= this.compile(found.schema, found.file))(obj);
  }

  private compile(raw: unknown, file: string): KindCheck {
    let validateFn: ValidateFunction;
    try {
      const schema = prepareSchema(raw);
      // The API server ignores formats it does not know; ajv must too (and not depend on strict: false).
      for (const f of collectFormats(schema)) if (!this.ajv.formats[f]) this.ajv.addFormat(f, true);
      validateFn = this.ajv.compile(schema);
    } catch (e) {
      // A schema ajv cannot compile should fail its objects, not the whole run.
      const message = `cannot compile the schema from ${file}: ${(e as Error).message}`;
      return () => [{ instancePath: '', schemaPath: '', keyword: 'schema', params: {}, message }];
    }
    return (obj) => (validateFn(obj) ? [] : [...(validateFn.errors ?? [])]);
  }
}

/** Formats problems one per line: `<object>: <path>: <message>` (the path is left out when it is the root). */
export function formatManifestProblems(problems: readonly ManifestProblem[]): string {
  return problems.map((p) => (p.path ? `${p.object}: ${p.path}: ${p.message}` : `${p.object}: ${p.message}`)).join('\n');
}

/**
 * Default CRD dirs: the entries of the env var PGFLEET_CRDS (a ':'-separated path list, resolved
 * against the working directory and returned even if missing, so the validator reports a wrong
 * setting) when set, else the pinned CRDs in `../shared/crds` relative to `projectRoot` if that
 * directory exists, else `[]` (the caller reports missing schemas).
 */
export function defaultCrdDirs(projectRoot: string): string[] {
  const fromEnv = process.env.PGFLEET_CRDS;
  if (fromEnv) {
    return fromEnv
      .split(':')
      .filter((p) => p !== '')
      .map((p) => path.resolve(p));
  }
  const pinned = path.resolve(projectRoot, '..', 'shared', 'crds');
  return isDirectory(pinned) ? [pinned] : [];
}

// ---------------------------------------------------------------------------------------------
// CRD files

interface CrdFile {
  readonly text: string;
  docs?: any[];
}

/** Parsed CRD files, keyed by absolute path: several validators in one process share them. */
const crdFileCache = new Map<string, CrdFile>();

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
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

function crdFile(file: string): CrdFile {
  let entry = crdFileCache.get(file);
  if (!entry) {
    entry = { text: fs.readFileSync(file, 'utf8') };
    crdFileCache.set(file, entry);
  }
  return entry;
}

function crdDocs(file: string): any[] {
  const entry = crdFile(file);
  if (!entry.docs) {
    entry.docs = YAML.parseAllDocuments(entry.text).flatMap((doc) => {
      if (doc.errors.length) throw new Error(`cannot parse CRD file ${file}: ${doc.errors[0].message}`);
      const js = doc.toJS({ maxAliasCount: -1 });
      // `kubectl get crd -o yaml` wraps several CRDs in a List.
      return isPlainObject(js) && js.kind === 'List' && Array.isArray(js.items) ? js.items : [js];
    });
  }
  return entry.docs;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `key: value` as a whole YAML/JSON scalar (optionally quoted); used to skip parsing unrelated files. */
function mentions(text: string, key: string, value: string): boolean {
  const v = escapeRegExp(value);
  return new RegExp(`(^|[\\s{,])["']?${key}["']?\\s*:\\s*["']?${v}["']?\\s*($|[\\s,}#])`, 'm').test(text);
}

/**
 * The schema of `group/version` `kind` from the first file defining it, or the served versions
 * when the kind exists but that version is not served. Only files that mention the group and kind
 * are parsed: a PGO or ESO store CRD costs 0.2–0.4 s to parse.
 */
function findCrdSchema(
  files: readonly string[],
  group: string,
  version: string,
  kind: string,
): { schema: unknown; file: string } | { served: string[] } | undefined {
  let served: string[] | undefined;
  for (const file of files) {
    const { text } = crdFile(file);
    if (!mentions(text, 'kind', kind) || !mentions(text, 'group', group)) continue;
    for (const doc of crdDocs(file)) {
      if (!isPlainObject(doc) || doc.kind !== 'CustomResourceDefinition' || !isPlainObject(doc.spec)) continue;
      const spec = doc.spec as any;
      if (spec.group !== group || spec.names?.kind !== kind) continue;
      const versions: any[] = Array.isArray(spec.versions) ? spec.versions : [];
      const v = versions.find((x) => x?.name === version && x.served !== false);
      if (v) {
        // apiextensions v1 keeps the schema per version; v1beta1 may share one at spec.validation.
        const schema = v.schema?.openAPIV3Schema ?? spec.validation?.openAPIV3Schema ?? { type: 'object' };
        return { schema, file };
      }
      served ??= versions.filter((x) => x?.served !== false).map((x) => String(x?.name));
    }
  }
  return served ? { served } : undefined;
}

// ---------------------------------------------------------------------------------------------
// CRD schema preparation

/** Keys that never affect validation; dropping them makes identical sub-schemas compare equal. */
const IGNORED_KEYS = new Set(['description', 'default', 'example', 'x-kubernetes-validations']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not']);
const SCHEMA_LISTS = new Set(['anyOf', 'oneOf', 'allOf']);

/** Prepared schemas per raw `openAPIV3Schema` object (which lives in {@link crdFileCache}). */
const preparedCache = new WeakMap<object, SchemaObject>();

/**
 * Rewrites a CRD schema for ajv: closes objects against unknown fields, drops int-or-string
 * `anyOf`s (the keyword checks it, with one clear message) and moves repeated sub-schemas into
 * `$defs`. Generated CRDs inline the same Kubernetes types dozens of times (PGO: 3,000 schema
 * nodes, 222 distinct); shared definitions cut ajv's compile time for PGO from ~0.8 s to ~0.2 s.
 */
function prepareSchema(raw: unknown): SchemaObject {
  if (!isPlainObject(raw)) return { type: 'object' };
  const cached = preparedCache.get(raw);
  if (cached) return cached;

  // Hash-consing: each distinct node (children replaced by ids) gets one id.
  const ids = new Map<string, number>();
  const nodes: Record<string, any>[] = [];
  const uses: number[] = [];
  const ref = (id: number) => ({ $node: id });
  const intern = (s: unknown): number => {
    const node: Record<string, any> = {};
    if (isPlainObject(s)) {
      for (const [k, v] of Object.entries(s)) {
        if (IGNORED_KEYS.has(k)) continue;
        if (SCHEMA_MAPS.has(k) && isPlainObject(v)) {
          node[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, ref(intern(pv))]));
        } else if (SCHEMA_VALUES.has(k) && isPlainObject(v)) {
          node[k] = ref(intern(v));
        } else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) {
          node[k] = v.map((x) => ref(intern(x)));
        } else {
          node[k] = v;
        }
      }
    }
    if (node['x-kubernetes-int-or-string'] === true) delete node.anyOf;
    if (node['x-kubernetes-embedded-resource'] === true && node.properties) {
      for (const k of ['apiVersion', 'kind']) node.properties[k] ??= ref(intern({ type: 'string' }));
      node.properties.metadata ??= ref(intern({ type: 'object' }));
    }
    if (node.properties && node.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
      node.additionalProperties = false;
    }
    const key = JSON.stringify(node);
    let id = ids.get(key);
    if (id === undefined) {
      id = nodes.length;
      ids.set(key, id);
      nodes.push(node);
      uses.push(0);
    }
    uses[id]++;
    return id;
  };
  // The root always takes apiVersion, kind and metadata, even where a CRD leaves them out.
  const rootRaw = isPlainObject(raw.properties)
    ? { ...raw, properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...raw.properties } }
    : raw;
  const rootId = intern(rootRaw);

  const defs: Record<string, SchemaObject> = {};
  const isRef = (v: unknown): v is { $node: number } => isPlainObject(v) && typeof v.$node === 'number';
  const hasChildren = (node: Record<string, any>) =>
    Object.entries(node).some(([k, v]) => (SCHEMA_MAPS.has(k) && Object.keys(v).length > 0) || isRef(v) || (Array.isArray(v) && v.some(isRef)));
  const build = (id: number, asDef = false): SchemaObject => {
    const node = nodes[id];
    // Only shared nodes with children are worth a function of their own; leaves inline cheaply.
    if (!asDef && uses[id] > 1 && hasChildren(node)) {
      const name = `n${id}`;
      if (!(name in defs)) {
        defs[name] = {}; // reserve first: the build below may meet this node again
        defs[name] = build(id, true);
      }
      return { $ref: `#/$defs/${name}` };
    }
    const out: SchemaObject = {};
    for (const [k, v] of Object.entries(node)) {
      if (SCHEMA_MAPS.has(k) && isPlainObject(v)) {
        out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, build((pv as { $node: number }).$node)]));
      } else if (isRef(v)) {
        out[k] = build(v.$node);
      } else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) {
        out[k] = v.map((x) => (isRef(x) ? build(x.$node) : x));
      } else {
        out[k] = v;
      }
    }
    return out;
  };
  // metadata stays as free-form as the CRD says: checkMetadata checks name and namespace for all kinds.
  const root = build(rootId, true);
  if (Object.keys(defs).length) root.$defs = defs;
  preparedCache.set(raw, root);
  return root;
}

// ---------------------------------------------------------------------------------------------
// ajv setup

/** Compiled regexes by pattern: ajv asks once per occurrence, and RE2 objects live in wasm memory. */
const regExps = new Map<string, { test: (s: string) => boolean }>();

/**
 * ajv's regex engine: RE2, because CRDs carry Go (RE2) syntax such as `[[:print:]]` and `(?i:…)`
 * that JavaScript rejects. A pattern neither RE2 nor JavaScript compiles is not checked, rather
 * than failing every kind of that CRD.
 */
const re2Engine = Object.assign(
  (pattern: string, flags: string) => {
    const key = `${flags}/${pattern}`;
    let rx = regExps.get(key);
    if (!rx) {
      rx = compilePattern(pattern, flags.includes('u') ? flags : `${flags}u`);
      regExps.set(key, rx);
    }
    return rx;
  },
  { code: 'pgfleetRegExp' }, // names the engine in ajv's standalone output, which is never generated here
);

function compilePattern(pattern: string, flags: string): { test: (s: string) => boolean } {
  try {
    return new RE2(pattern, flags);
  } catch {
    // Unicode mode rejects some escapes that Go and non-unicode JavaScript accept (e.g. `\-`).
    for (const f of [flags, flags.replace('u', '')]) {
      try {
        return new RegExp(pattern, f);
      } catch {
        // try the next flags
      }
    }
    return { test: () => true, toString: () => `/${pattern}/ (unchecked)` } as { test: (s: string) => boolean };
  }
}

/** Units of kube-openapi's strfmt.ParseDuration: the last spelling of each matches as a prefix. */
const DURATION_UNITS = [['ns', 'nano'], ['us', 'µs', 'micro'], ['ms', 'milli'], ['s', 'sec'], ['m', 'min'], ['h', 'hr', 'hour'], ['d', 'day'], ['w', 'wk', 'week']];
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/**
 * The `duration` format as the API server checks it (kube-openapi strfmt): a Go duration
 * (`1h30m`, `672h`) or any text with a number-and-unit pair (`12 hr`, `3d`, `4 weeks`).
 */
function isDuration(s: string): boolean {
  if (GO_DURATION.test(s)) return true;
  for (const m of s.matchAll(/(\d+)\s*([A-Za-zµ]+)/g)) {
    const unit = m[2].toLowerCase();
    if (DURATION_UNITS.some((vs) => vs.some((v, i) => unit === v || (i === vs.length - 1 && unit.startsWith(v))))) return true;
  }
  return false;
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

/**
 * `x-kubernetes-list-type: set|map`: the API server rejects duplicate entries (whole items for a
 * set, the `x-kubernetes-list-map-keys` tuple for a map).
 */
function checkListType(schema: unknown, data: unknown, parentSchema: any, dataCxt: any): boolean {
  const fn = checkListType as { errors?: Partial<ErrorObject>[] };
  fn.errors = [];
  if (!Array.isArray(data) || (schema !== 'set' && schema !== 'map')) return true;
  const mapKeys: string[] = Array.isArray(parentSchema?.['x-kubernetes-list-map-keys']) ? parentSchema['x-kubernetes-list-map-keys'] : [];
  if (schema === 'map' && mapKeys.length === 0) return true;
  const seen = new Set<string>();
  data.forEach((item, i) => {
    // An entry missing a key is left to `required` (or to the server's default for it).
    const hasKeys = isPlainObject(item) && mapKeys.every((k) => item[k] !== undefined);
    const key = schema === 'set' ? stableJson(item) : hasKeys ? stableJson(mapKeys.map((k) => item[k])) : undefined;
    if (key === undefined) return;
    if (seen.has(key)) {
      const what = schema === 'set' ? `value ${key}` : `entry with ${mapKeys.map((k) => `${k}=${stableJson(item[k])}`).join(', ')}`;
      fn.errors!.push({
        instancePath: `${dataCxt?.instancePath ?? ''}/${i}`,
        keyword: 'x-kubernetes-list-type',
        params: {},
        message: `duplicate ${what}`,
      });
    }
    seen.add(key);
  });
  return fn.errors.length === 0;
}

function newAjv(): Ajv {
  // optimize: false — ajv's code optimiser costs more than it saves for schemas compiled once.
  const ajv = new Ajv({ strict: false, logger: false, allErrors: true, inlineRefs: false, code: { regExp: re2Engine, optimize: false } });
  addFormats(ajv); // includes int32, int64 and byte
  ajv.addFormat('duration', { type: 'string', validate: isDuration });
  ajv.addKeyword({
    keyword: 'x-kubernetes-int-or-string',
    schemaType: 'boolean',
    errors: false,
    validate: (on: boolean, data: unknown) => !on || typeof data === 'string' || (typeof data === 'number' && Number.isInteger(data)),
  });
  ajv.addKeyword({ keyword: 'x-kubernetes-list-type', errors: true, validate: checkListType as any });
  for (const k of ['x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-validations']) {
    ajv.addKeyword({ keyword: k });
  }
  return ajv;
}

function collectFormats(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => collectFormats(s, out));
  else if (isPlainObject(schema)) {
    for (const [k, v] of Object.entries(schema)) {
      if (k === 'format' && typeof v === 'string') out.add(v);
      else if (typeof v === 'object' && v !== null) collectFormats(v, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Core kinds

/** Model classes by apiVersion|kind (`null`: not a kubernetes-models kind). */
const coreModels = new Map<string, CoreModel | null>();

type CoreModel = (new (data: unknown) => { validate(): void }) & { apiVersion?: string; kind?: string };

/**
 * The kubernetes-models class for a built-in kind: module `kubernetes-models/<group>/<version>/<Kind>`
 * (`kubernetes-models/v1/<Kind>` for the core group). Sub-types such as PodSpec are modules too;
 * only classes that declare this apiVersion and kind count.
 */
function coreModel(apiVersion: string, kind: string): CoreModel | undefined {
  const key = `${apiVersion}|${kind}`;
  if (coreModels.has(key)) return coreModels.get(key) ?? undefined;
  let model: CoreModel | null = null;
  // Validate the parts so an object cannot steer the require() outside the package.
  if (/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    try {
      const mod = require(`kubernetes-models/${apiVersion}/${kind}`);
      const cls = mod?.[kind];
      if (typeof cls === 'function' && cls.apiVersion === apiVersion && cls.kind === kind) model = cls;
    } catch {
      model = null;
    }
  }
  coreModels.set(key, model);
  return model ?? undefined;
}

function coreCheck(apiVersion: string, kind: string): KindCheck | undefined {
  const Model = coreModel(apiVersion, kind);
  if (!Model) return undefined;
  return (obj) => {
    try {
      new Model(obj).validate();
      return [];
    } catch (e) {
      const errors = (e as { errors?: unknown }).errors;
      if (Array.isArray(errors)) return errors as ErrorObject[];
      return [{ instancePath: '', schemaPath: '', keyword: 'schema', params: {}, message: String((e as Error).message ?? e) }];
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Checks of our own

function checkMetadata(metadata: unknown): [string, string][] {
  if (metadata === undefined) return [['', 'missing required field "metadata"']];
  if (!isPlainObject(metadata)) return [['metadata', 'must be object']];
  const out: [string, string][] = [];
  const { name, namespace } = metadata;
  if (name === undefined) out.push(['metadata', 'missing required field "name"']);
  else if (typeof name !== 'string') out.push(['metadata.name', 'must be string']);
  else if (name.length > 253) out.push(['metadata.name', `must be at most 253 characters (has ${name.length})`]);
  else if (!DNS1123_SUBDOMAIN.test(name)) {
    out.push(['metadata.name', `must be a DNS subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (got ${JSON.stringify(name)})`]);
  }
  if (namespace !== undefined) {
    if (typeof namespace !== 'string') out.push(['metadata.namespace', 'must be string']);
    else if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
      out.push(['metadata.namespace', `must be a DNS label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (got ${JSON.stringify(namespace)})`]);
    }
  }
  return out;
}

const CRON_DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const CRON_FIELDS: { name: string; min: number; max: number; names?: string[] }[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];
const CRON_USAGE = `must be a cron expression with 5 fields (minute hour day-of-month month day-of-week) or one of ${CRON_DESCRIPTORS.join(', ')}, @every <duration>`;

/**
 * A CronJob schedule as the API server parses it (robfig/cron ParseStandard); returns the problem
 * or `undefined`. Non-strings are left to the type check.
 */
function checkCronSchedule(schedule: unknown): string | undefined {
  if (typeof schedule !== 'string') return undefined;
  const s = schedule.trim();
  if (/^(CRON_)?TZ=/.test(s)) return 'must not set a time zone (TZ=/CRON_TZ=); use spec.timeZone';
  if (s.startsWith('@')) {
    if (CRON_DESCRIPTORS.includes(s)) return undefined;
    const every = /^@every\s+(\S+)$/.exec(s);
    if (every && GO_DURATION.test(every[1])) return undefined;
    return `${CRON_USAGE}; got ${JSON.stringify(schedule)}`;
  }
  const fields = s.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) return `${CRON_USAGE}; got ${fields.length} field${fields.length === 1 ? '' : 's'} in ${JSON.stringify(schedule)}`;
  for (let i = 0; i < 5; i++) {
    const problem = checkCronField(fields[i], CRON_FIELDS[i]);
    if (problem) return `${CRON_FIELDS[i].name} field ${JSON.stringify(fields[i])}: ${problem}`;
  }
  return undefined;
}

function checkCronField(field: string, spec: (typeof CRON_FIELDS)[number]): string | undefined {
  const value = (v: string): number | undefined => {
    if (/^\d+$/.test(v)) return Number(v);
    const i = spec.names?.indexOf(v.toLowerCase()) ?? -1;
    return i >= 0 ? i + spec.min : undefined;
  };
  for (const part of field.split(',')) {
    const m = /^([^/]+)(?:\/(.*))?$/.exec(part);
    if (!m) return `invalid part ${JSON.stringify(part)}`;
    const [, range, step] = m;
    if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `step ${JSON.stringify(step)} must be a positive number`;
    if (range === '*' || range === '?') continue;
    const bounds = range.split('-');
    if (bounds.length > 2) return `invalid range ${JSON.stringify(range)}`;
    const nums = bounds.map(value);
    for (let j = 0; j < bounds.length; j++) {
      const n = nums[j];
      if (n === undefined) return `${JSON.stringify(bounds[j])} is not a number${spec.names ? ' or name' : ''}`;
      if (n < spec.min || n > spec.max) return `${n} is outside ${spec.min}-${spec.max}`;
    }
    if (nums.length === 2 && nums[0]! > nums[1]!) return `range start ${nums[0]} is after its end ${nums[1]}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Messages

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeObject(obj: unknown, index: number): string {
  if (!isPlainObject(obj)) return `object #${index}`;
  const name = isPlainObject(obj.metadata) && typeof obj.metadata.name === 'string' ? obj.metadata.name : `(unnamed #${index})`;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : '?');
  return `${str(obj.apiVersion)} ${str(obj.kind)} ${name}`;
}

/** A JSON pointer as a dotted path; array indices as `[i]` (decided by the data) and odd keys quoted. */
function toPath(pointer: string, root: unknown): string {
  if (!pointer) return '';
  let out = '';
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
    cur = isPlainObject(cur) || Array.isArray(cur) ? (cur as any)[seg] : undefined;
  }
  return out;
}

function showValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** ajv errors (ours or kubernetes-models') as readable problems: merged, deduplicated, in order. */
function ajvProblems(errors: readonly ErrorObject[], root: unknown): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  // Type errors from int-or-string alternatives merge into one "must be integer or string".
  const types = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword !== 'type') continue;
    const list = types.get(e.instancePath) ?? [];
    const t = e.params?.type;
    for (const x of Array.isArray(t) ? t : String(t).split(',')) if (!list.includes(x)) list.push(x);
    types.set(e.instancePath, list);
  }
  const pathsWithDetail = new Set(errors.filter((e) => !['anyOf', 'oneOf'].includes(e.keyword)).map((e) => e.instancePath));
  for (const e of errors) {
    const p = toPath(e.instancePath, root);
    const params: Record<string, any> = e.params ?? {};
    switch (e.keyword) {
      case 'additionalProperties':
        out.push({ path: p, message: `unknown field "${params.additionalProperty}"` });
        break;
      case 'required':
        out.push({ path: p, message: `missing required field "${params.missingProperty}"` });
        break;
      case 'type':
        out.push({ path: p, message: `must be ${types.get(e.instancePath)!.join(' or ')}` });
        break;
      case 'x-kubernetes-int-or-string':
        out.push({ path: p, message: 'must be integer or string' });
        break;
      case 'enum':
        out.push({ path: p, message: `must be one of: ${(params.allowedValues as unknown[]).map(showValue).join(', ')}` });
        break;
      case 'pattern':
        out.push({ path: p, message: `must match ${params.pattern}` });
        break;
      case 'format':
        out.push({ path: p, message: `must be a valid ${params.format}` });
        break;
      case 'anyOf':
      case 'oneOf':
        // The alternatives' own errors say more; keep this only when there are none.
        if (!pathsWithDetail.has(e.instancePath)) out.push({ path: p, message: 'must match one of the allowed forms' });
        break;
      default:
        out.push({ path: p, message: e.message ?? `fails "${e.keyword}"` });
    }
  }
  return out;
}
