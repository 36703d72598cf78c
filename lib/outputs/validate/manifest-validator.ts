/**
 * Offline validation of rendered manifests, as the API server would admit them: custom resources
 * against their CRD's schema and its CEL rules (`x-kubernetes-validations`, transition rules
 * against the previous object when there is one), built-in kinds with kubernetes-models, and the
 * checks of our own neither makes (names, labels, CronJob schedules).
 */
import * as path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { projectRoot } from '../../config/project-root';
import { CrdCatalog } from './crd-catalog';
import { coreCheck, type KindCheck } from './core-kinds';
import { kubernetesAjv } from './kubernetes-ajv';
import { ajvProblems, describeObject, isPlainObject, joinSegments, type ManifestProblem } from './manifest-problems';
import { celFailures } from './cel-check';
import { celPlanOf, type CelPlan } from './cel-plan';
import { checkCronJob, checkMetadata } from './object-checks';
import { collectFormats, prepareSchema } from './openapi-schema';
import { PrecompiledValidators } from './precompiled-validators';

export interface ManifestValidatorProps {
  /**
   * Directories (or files) of CustomResourceDefinitions to validate against, compiled when a kind
   * is first met. @default - the pinned CRDs of `crds/`, as compiled by `npm run build`
   */
  readonly crdDirs?: readonly string[];
  /** The pgfleet checkout, holding `crds/` and `build/validators/`. @default - the checkout this code runs from */
  readonly projectRoot?: string;
}

type Lookup = KindCheck | { readonly served: readonly string[] } | undefined;

export interface ValidateOptions {
  /**
   * The object that the object at `index` replaces (same kind, namespace and name), for the CEL
   * transition rules (`oldSelf`); called only when one needs it. @default - every object is new
   */
  readonly previous?: (index: number) => unknown;
}

/**
 * Validates Kubernetes manifest objects offline. Custom resources are checked against the served
 * version's `openAPIV3Schema`, unknown fields rejected wherever the schema does not preserve them;
 * then against its CEL rules. Built-in kinds are checked with `kubernetes-models` (no
 * unknown-field check). Schemas are compiled once per kind and validator.
 */
export class ManifestValidator {
  private readonly findCrd: (apiVersion: string, kind: string) => Lookup;
  private readonly findCel: (apiVersion: string, kind: string) => CelPlan | undefined;
  private readonly checks = new Map<string, Lookup>();
  private readonly celPlans = new Map<string, CelPlan | undefined>();

  /** Lists CRD files (nothing is parsed yet); throws when a given directory does not exist. */
  constructor(props: ManifestValidatorProps = {}) {
    const root = props.projectRoot ?? projectRoot();
    const catalog = (c: CrdCatalog) => ({ crd: compiling(c), cel: celFromCatalog(c) });
    let found: { crd: ManifestValidator['findCrd']; cel: ManifestValidator['findCel'] };
    if (props.crdDirs) found = catalog(new CrdCatalog(props.crdDirs));
    else {
      const crds = path.join(root, 'crds');
      const pre = PrecompiledValidators.load(path.join(root, 'build', 'validators'), crds);
      found = pre ? { crd: (v, k) => pre.find(v, k), cel: (v, k) => pre.celPlan(v, k) } : catalog(new CrdCatalog([crds]));
    }
    this.findCrd = found.crd;
    this.findCel = found.cel;
  }

  /** Whether the validator has a schema for this apiVersion and kind. */
  public knows(apiVersion: string, kind: string): boolean {
    return typeof this.checkFor(apiVersion, kind) === 'function';
  }

  /** Every problem of every object (empty when all are valid), in input order. */
  public validate(objects: readonly unknown[], options: ValidateOptions = {}): ManifestProblem[] {
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
      if (typeof check !== 'function') {
        const hint = check
          ? `its CRD serves only: ${check.served.length ? check.served.join(', ') : 'no version'}`
          : 'add its CRD with --crds DIR';
        add('', `no schema for ${apiVersion} ${kind} (${hint})`);
        return;
      }
      const schemaProblems = ajvProblems(check(obj), obj);
      for (const p of schemaProblems) add(p.path, p.message);
      // CEL rules read fields as the schema types them: only objects that match it get there.
      const plan = schemaProblems.length ? undefined : this.celFor(apiVersion, kind);
      if (plan) {
        for (const f of celFailures(plan, obj, () => options.previous?.(index))) add(joinSegments(f.path), f.message);
      }
      if (kind === 'CronJob' && apiVersion.startsWith('batch/')) {
        const cron = checkCronJob(obj);
        if (cron) add(...cron);
      }
    });
    return problems;
  }

  /** The CEL plan of a custom resource kind (built-in kinds have none here). */
  private celFor(apiVersion: string, kind: string): CelPlan | undefined {
    const key = `${apiVersion}|${kind}`;
    if (!this.celPlans.has(key)) this.celPlans.set(key, coreCheck(apiVersion, kind) ? undefined : this.findCel(apiVersion, kind));
    return this.celPlans.get(key);
  }

  /** Built-in kinds first (a cheap module lookup), then CRDs. */
  private checkFor(apiVersion: string, kind: string): Lookup {
    const key = `${apiVersion}|${kind}`;
    if (!this.checks.has(key)) this.checks.set(key, coreCheck(apiVersion, kind) ?? this.findCrd(apiVersion, kind));
    return this.checks.get(key);
  }
}

/** The CEL plans of a catalog's kinds, extracted on first use. */
function celFromCatalog(catalog: CrdCatalog): (apiVersion: string, kind: string) => CelPlan | undefined {
  return (apiVersion, kind) => {
    const slash = apiVersion.indexOf('/');
    if (slash <= 0) return undefined;
    const found = catalog.find(apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind);
    return found && !('served' in found) ? celPlanOf(found.group, found.version, found.kind, found.schema) : undefined;
  };
}

/** Looks kinds up in a catalog and compiles their schema on first use. */
function compiling(catalog: CrdCatalog): (apiVersion: string, kind: string) => Lookup {
  const ajv = kubernetesAjv();
  return (apiVersion, kind) => {
    const slash = apiVersion.indexOf('/');
    if (slash <= 0) return undefined; // CRDs cannot live in the core group
    const found = catalog.find(apiVersion.slice(0, slash), apiVersion.slice(slash + 1), kind);
    if (!found || 'served' in found) return found;
    let validate: ValidateFunction | undefined;
    let failure: string | undefined;
    return (obj) => {
      if (!validate && !failure) {
        try {
          const schema = prepareSchema(found.schema);
          // The API server ignores formats it does not know; ajv must too.
          for (const f of collectFormats(schema)) if (!ajv.formats[f]) ajv.addFormat(f, true);
          validate = ajv.compile(schema);
        } catch (e) {
          // A schema ajv cannot compile fails its objects, not the whole run.
          failure = `cannot compile the schema from ${found.file}: ${(e as Error).message}`;
        }
      }
      if (failure) return [{ instancePath: '', schemaPath: '', keyword: 'schema', params: {}, message: failure }];
      return validate!(obj) ? [] : [...(validate!.errors ?? [])];
    };
  };
}
