/**
 * The recovery guarantee of a standalone generation: no WAL archive, so the RPO is the longest gap
 * between two scheduled dumps, and the window is the age of the oldest dump retention is sure to
 * keep. pgfleet's dumps delete files with `find -mtime +N` (whole days older than N: kept while
 * less than N+1 days old); blackbox deletes dumps older than `retention_days`
 * (blackbox/utils/rotation.py `within_retention_days`).
 */
import { formatSpan } from '../../config/recovery-span';
import type { RecoveryGuarantee } from '../../model/recovery';
import { dumpScheduleBound, spanDays } from '../../model/recovery-bounds';
import { cronGaps } from '../../config/cron';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { ArchiveLocation } from '../../config/stack-state';
import type { StandaloneDatabaseSpec } from './standalone-schema';

const DAY = 86_400;

/** `archives`: the generation's dump folder (EngineModel.archives; none for blackbox). */
export function standaloneRecovery(
  db: ResolvedDatabase<StandaloneDatabaseSpec>,
  gen: ResolvedGeneration,
  archives: readonly ArchiveLocation[],
): RecoveryGuarantee {
  const b = db.spec.backup;
  const rpo = dumpScheduleBound(b.schedule, `${db.path}.backup.schedule`);
  const gap = cronGaps(b.schedule)?.longest ?? DAY;
  // A dump is kept while younger than `keptFor`; right before the next dump the oldest kept is `keptFor − gap` old at least.
  const keptFor = b.method === 'dump' ? (b.retentionDays + 1) * DAY : b.retentionDays * DAY;
  const seconds = Math.max(0, keptFor - gap);
  const where =
    b.method === 'dump' ? (archives[0]?.url ?? gen.name) : `blackbox's storage (${b.storage.map((s) => `s3://${s.bucket}`).join(', ')})`;
  return {
    method: 'dump',
    rpo,
    window: {
      seconds,
      source: `${b.method === 'dump' ? 'retentionDays' : 'blackbox retention_days'} ${b.retentionDays}, a dump every ${formatSpan(gap)} at most: the oldest kept dump is at least ${formatSpan(seconds)} old`,
      path: `${db.path}.backup.retentionDays`,
      value: b.retentionDays,
      fix: (target) => `set backup.retentionDays to ${spanDays(target) + Math.ceil(gap / DAY)} or more`,
    },
    restoreUses:
      b.method === 'dump'
        ? `the newest ${gen.name}-*.sql.gz with its .sha512 in ${where} (pg_dumpall; one point in time per dump)`
        : `the newest blackbox dump in ${where} (pg_dumpall; one point in time per dump)`,
  };
}
