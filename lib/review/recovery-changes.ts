/**
 * Changes to a live generation's recovery guarantee (RPO and point-in-time window, recorded in
 * the state file), for `pgfleet diff` and `pgfleet plan`. A guarantee that gets worse is
 * `destroys-data`: a longer RPO loses more on a total loss, and a shorter window deletes backups
 * a restore could still need. One better is `safe`. The window is judged here once per generation,
 * however many manifest fields (a CNPG ObjectStore, a pgBackRest option) it comes from.
 */
import { formatSpan } from '../config/recovery-span';
import type { GenerationState, RecoveryState } from '../config/stack-state';
import type { ChangeClass } from '../engines/change-rule';
import type { Change } from './classify';
import { stateChange } from './generation-record';

/** `null` (unbounded) is the worst RPO. */
const rpoOf = (r: RecoveryState) => r.rpoSeconds ?? Infinity;

/** A change of the guarantee: `step`, when given, is what to do before `pulumi up`. */
const change = (path: string, before: string, after: string, cls: ChangeClass, why: string, step?: string): Change =>
  stateChange(path, before, after, why, { class: cls, steps: step ? [{ section: 'before', text: step }] : [] });

/** What changes in a generation's recovery guarantee; nothing when either state has none recorded. */
export function recoveryChanges(gen: string, before: GenerationState, after: GenerationState): Change[] {
  const was = before.recovery;
  const now = after.recovery;
  if (!was || !now) return [];
  const out: Change[] = [];
  if (rpoOf(now) !== rpoOf(was)) {
    const [b, a] = [formatSpan(was.rpoSeconds), formatSpan(now.rpoSeconds)];
    out.push(
      rpoOf(now) > rpoOf(was)
        ? change(
            'recovery.rpo',
            b,
            a,
            'destroys-data',
            `${gen} can lose more on a total loss: its worst-case data loss (RPO) grows from ${b} to ${a}`,
            `check that ${a} of lost writes is acceptable for ${gen} (and meets any agreed RPO); \`pgfleet report\` says where the number comes from`,
          )
        : change('recovery.rpo', b, a, 'safe', `${gen}'s worst-case data loss (RPO) shrinks from ${b} to ${a}`),
    );
  }
  if (now.windowSeconds !== was.windowSeconds) {
    const [b, a] = [formatSpan(was.windowSeconds), formatSpan(now.windowSeconds)];
    out.push(
      now.windowSeconds < was.windowSeconds
        ? change(
            'recovery.window',
            b,
            a,
            'destroys-data',
            `a shorter recovery window for ${gen} (${b} → ${a}): retention deletes the backups older than ${a} at its next run; no restore can reach back further`,
            `if a restore to a point older than ${a} might still be needed, restore it (or copy those backups) first, or keep the longer window until it is not`,
          )
        : change(
            'recovery.window',
            b,
            a,
            'safe',
            `a longer recovery window for ${gen} (${b} → ${a}): older backups are kept longer (more storage)`,
          ),
    );
  }
  if (now.method !== was.method) {
    out.push(
      change(
        'recovery.method',
        was.method,
        now.method,
        now.method === 'dump' ? 'destroys-data' : 'safe',
        now.method === 'dump'
          ? `${gen} stops archiving WAL: restores return to the time of a dump, not to any point in time`
          : `${gen} archives WAL: restores can return to any point in the window`,
      ),
    );
  }
  return out;
}
