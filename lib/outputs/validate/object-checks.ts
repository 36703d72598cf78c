/**
 * The checks neither the CRD schemas nor kubernetes-models make, but the API server does:
 * object names, and CronJob schedules as its cron parser reads them.
 */
import { cronProblem } from '../../config/cron';
import { isPlainObject } from './manifest-problems';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Every object must have `metadata.name` (a DNS subdomain): rendered manifests are applied, and
 * `kubectl apply` does not support `generateName`. Problems as `[path, message]`.
 */
export function checkMetadata(metadata: unknown): [string, string][] {
  if (metadata === undefined) return [['', 'missing required field "metadata"']];
  if (!isPlainObject(metadata)) return [['metadata', 'must be object']];
  const out: [string, string][] = [];
  const { name, namespace } = metadata;
  if (name === undefined) out.push(['metadata', 'missing required field "name"']);
  else if (typeof name !== 'string') out.push(['metadata.name', 'must be string']);
  else if (name.length > 253) out.push(['metadata.name', `must be at most 253 characters (has ${name.length})`]);
  else if (!DNS1123_SUBDOMAIN.test(name)) {
    out.push([
      'metadata.name',
      `must be a DNS subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (got ${JSON.stringify(name)})`,
    ]);
  }
  if (namespace !== undefined) {
    if (typeof namespace !== 'string') out.push(['metadata.namespace', 'must be string']);
    else if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
      out.push([
        'metadata.namespace',
        `must be a DNS label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (got ${JSON.stringify(namespace)})`,
      ]);
    }
  }
  return out;
}

/** A CronJob's `spec.schedule` problem, or undefined. */
export function checkCronJob(obj: Record<string, unknown>): [string, string] | undefined {
  const spec = obj.spec;
  if (!isPlainObject(spec) || typeof spec.schedule !== 'string') return undefined;
  const problem = cronProblem(spec.schedule, { every: true });
  return problem ? ['spec.schedule', problem] : undefined;
}
