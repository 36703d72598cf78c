/**
 * The validators `npm run build` compiles from the vendored `crds/` (ajv standalone code in
 * `build/validators/`), so a synth never parses or compiles a CRD schema: it loads the module of
 * each kind it meets. The index records every CRD file's size and modification time; when they
 * no longer match (a pin moved without a build), the caller compiles from the files instead.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { ErrorObject } from 'ajv';
import type { KindCheck } from './core-kinds';
import type { CelPlan } from './cel-plan';

/** `build/validators/index.json`. */
export interface PrecompiledIndex {
  /** CRD files compiled, by name, with what identifies their content cheaply. */
  readonly crds: Readonly<Record<string, { readonly size: number; readonly mtimeMs: number }>>;
  /** Module of each served kind, by `group/version|Kind`. */
  readonly kinds: Readonly<Record<string, string>>;
  /** Served versions of kinds whose other versions are not served, by `group|Kind`. */
  readonly served: Readonly<Record<string, readonly string[]>>;
  /** The CEL plan (`x-kubernetes-validations`, see cel-plan.ts) of each kind that has rules, by `group/version|Kind`. */
  readonly cel: Readonly<Record<string, string>>;
}

export const INDEX_FILE = 'index.json';

type StandaloneValidate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

export class PrecompiledValidators {
  /** The validators in `dir` when they were compiled from exactly the files in `crdDir`; else undefined. */
  public static load(dir: string, crdDir: string): PrecompiledValidators | undefined {
    let index: PrecompiledIndex;
    try {
      index = JSON.parse(fs.readFileSync(path.join(dir, INDEX_FILE), 'utf8')) as PrecompiledIndex;
    } catch {
      return undefined;
    }
    let names: string[];
    try {
      names = fs.readdirSync(crdDir).filter((f) => /\.(ya?ml|json)$/i.test(f));
    } catch {
      return undefined;
    }
    if (names.length !== Object.keys(index.crds).length) return undefined;
    for (const name of names) {
      const recorded = index.crds[name];
      const stat = fs.statSync(path.join(crdDir, name));
      if (!recorded || recorded.size !== stat.size || recorded.mtimeMs !== stat.mtimeMs) return undefined;
    }
    return new PrecompiledValidators(dir, index);
  }

  private readonly require: NodeRequire;

  private constructor(
    private readonly dir: string,
    private readonly index: PrecompiledIndex,
  ) {
    this.require = createRequire(path.join(dir, INDEX_FILE));
  }

  /** The check of `apiVersion` `kind`, or the served versions when only others are served. */
  public find(apiVersion: string, kind: string): KindCheck | { readonly served: readonly string[] } | undefined {
    const file = this.index.kinds[`${apiVersion}|${kind}`];
    if (!file) {
      const served = this.index.served[`${apiVersion.split('/')[0]}|${kind}`];
      return served ? { served } : undefined;
    }
    let validate: StandaloneValidate | undefined;
    return (obj) => {
      validate ??= this.require(path.join(this.dir, file)) as StandaloneValidate;
      return validate(obj) ? [] : [...(validate.errors ?? [])];
    };
  }

  /** The CEL plan of `apiVersion` `kind`, read on first use; undefined when the kind has no rules. */
  public celPlan(apiVersion: string, kind: string): CelPlan | undefined {
    const file = this.index.cel?.[`${apiVersion}|${kind}`];
    if (!file) return undefined;
    return JSON.parse(fs.readFileSync(path.join(this.dir, file), 'utf8')) as CelPlan;
  }
}
