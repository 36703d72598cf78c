/**
 * Built-in kinds (StatefulSet, CronJob, Service, ...) are validated with `kubernetes-models`,
 * whose schemas come from the Kubernetes OpenAPI document. It checks types and required fields,
 * not unknown fields.
 */
import type { ErrorObject } from 'ajv';

/** Returns ajv-style errors for one object (paths relative to the object). */
export type KindCheck = (obj: Record<string, unknown>) => ErrorObject[];

/**
 * The kinds pgfleet renders, required by literal name so the build bundles them (and the code
 * cache covers them): loading each through its own module tree cost a fifth of a synth. Other
 * kinds (`pgfleet validate` on any folder) are still found by name at run time.
 */
const RENDERED: Record<string, () => unknown> = {
  'v1|ConfigMap': () => require('kubernetes-models/v1/ConfigMap'),
  'v1|PersistentVolumeClaim': () => require('kubernetes-models/v1/PersistentVolumeClaim'),
  'v1|Secret': () => require('kubernetes-models/v1/Secret'),
  'v1|Service': () => require('kubernetes-models/v1/Service'),
  'v1|ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount'),
  'apps/v1|StatefulSet': () => require('kubernetes-models/apps/v1/StatefulSet'),
  'batch/v1|CronJob': () => require('kubernetes-models/batch/v1/CronJob'),
  'batch/v1|Job': () => require('kubernetes-models/batch/v1/Job'),
  'networking.k8s.io/v1|NetworkPolicy': () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy'),
  'policy/v1|PodDisruptionBudget': () => require('kubernetes-models/policy/v1/PodDisruptionBudget'),
  'rbac.authorization.k8s.io/v1|Role': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/Role'),
  'rbac.authorization.k8s.io/v1|RoleBinding': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding'),
};

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
      const mod = (RENDERED[key]?.() ?? require(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, CoreModel | undefined>;
      const cls = mod?.[kind];
      if (typeof cls === 'function' && cls.apiVersion === apiVersion && cls.kind === kind) model = cls;
    } catch {
      model = null;
    }
  }
  coreModels.set(key, model);
  return model ?? undefined;
}

/** The check of a built-in kind, or undefined when kubernetes-models does not know it. */
export function coreCheck(apiVersion: string, kind: string): KindCheck | undefined {
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
