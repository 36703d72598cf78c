/**
 * Generation records: pseudo-objects of the diff that carry changes no manifest field shows,
 * read from the state of a generation (an archive moved, a volume dropped, a worse recovery
 * guarantee, a migration's copy). They are reviewed and gated like objects, never applied.
 */
import { STATE_FILE } from '../config/stack-state';
import type { ChangeClass } from '../engines/change-rule';
import { type Change, type PlanStep, severity } from './classify';
import type { ObjectDiff } from './diff-types';

/** `apiVersion kind` of the generation records. */
export const GENERATION_KIND = 'pgfleet.io/v1 Generation';

/** One change of a generation's state: `before` → `after` (undefined: added or removed), with why and its class. */
export function stateChange(
  path: string,
  before: unknown,
  after: unknown,
  why: string,
  options: { readonly class?: ChangeClass; readonly steps?: readonly PlanStep[] } = {},
): Change {
  const cls = options.class ?? 'destroys-data';
  return {
    path,
    op: after === undefined ? 'removed' : before === undefined ? 'added' : 'changed',
    fields: [{ path, before, after }],
    reasons: [{ class: cls, why }],
    class: cls,
    steps: options.steps ?? [],
    ruled: true,
  };
}

/** The record of generation `generation` of database `d` holding `changes` (`file`: after the state file's `#`). */
export function generationRecord(
  d: { readonly name: string; readonly namespace: string },
  generation: string,
  changes: readonly Change[],
  file: string = generation,
): ObjectDiff {
  return {
    file: `${STATE_FILE}#${file}`,
    apiKind: GENERATION_KIND,
    kind: 'Generation',
    name: generation,
    namespace: d.namespace,
    database: d.name,
    generation,
    dataBearing: true,
    op: 'changed',
    changes: changes.map((c) => ({ ...c, acknowledgements: [] })),
    class: changes.reduce((worst, c) => (severity(c.class) > severity(worst) ? c.class : worst), changes[0].class),
    dependsOn: [],
  };
}

/** Whether an object of the diff is such a generation record (it is reviewed, not applied). */
export const isGenerationRecord = (o: Pick<ObjectDiff, 'apiKind'>) => o.apiKind === GENERATION_KIND;
