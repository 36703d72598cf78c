/**
 * Kind names and `when` conditions shared by the engines' change rules, so each rule file states
 * only what is particular to its operator.
 */
import { quantityBytes } from '../config/quantity';
import type { BootstrapState } from '../config/stack-state';
import type { ChangeContext, ChangeRule } from './change-rule';

/** `apiVersion kind` of the core kinds the engines render. */
export const KIND = {
  statefulSet: 'apps/v1 StatefulSet',
  service: 'v1 Service',
  configMap: 'v1 ConfigMap',
  pvc: 'v1 PersistentVolumeClaim',
  job: 'batch/v1 Job',
  cronJob: 'batch/v1 CronJob',
  networkPolicy: 'networking.k8s.io/v1 NetworkPolicy',
} as const;

/** A number went up (a major version, a count). */
export const raised = (b: unknown, a: unknown): boolean => typeof b === 'number' && typeof a === 'number' && a > b;

/** A value went down, compared as numbers (counts written as strings in env). */
export const lowered = (b: unknown, a: unknown): boolean => b !== undefined && a !== undefined && Number(a) < Number(b);

/** The generation the object belongs to starts as `kind` (its recorded `bootstrap`; initdb when none is recorded). */
export const bootstrapIs =
  (kind: BootstrapState['kind']) =>
  (_b: unknown, _a: unknown, c: ChangeContext): boolean =>
    (c.state.after?.bootstrap.kind ?? 'initdb') === kind;

/** How a volume size changed, compared in bytes (`1Gi` → `1024Mi` is the same size); undefined when either is not a quantity. */
export function sizeChange(before: unknown, after: unknown): 'grows' | 'shrinks' | 'same' | undefined {
  const b = typeof before === 'string' ? quantityBytes(before) : undefined;
  const a = typeof after === 'string' ? quantityBytes(after) : undefined;
  if (b === undefined || a === undefined) return undefined;
  return a > b ? 'grows' : a < b ? 'shrinks' : 'same';
}

/** A volume size grew. */
export const grows = (b: unknown, a: unknown): boolean => sizeChange(b, a) === 'grows';

/** The same volume size written another way (`25Gi` → `25600Mi`). */
export const sameSize = (b: unknown, a: unknown): boolean => sizeChange(b, a) === 'same';

/** The rule for a PersistentVolumeClaim size written another way: a no-op. */
export const SAME_SIZE_CLAIM: ChangeRule = {
  kind: KIND.pvc,
  path: 'spec.resources.requests.storage',
  when: sameSize,
  class: 'no-op',
  why: (v) => `the same size written another way (${v.before} → ${v.after})`,
};
