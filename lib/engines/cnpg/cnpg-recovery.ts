/**
 * The recovery guarantee of a CloudNativePG generation: WAL archived by barman-cloud at least
 * every `archive_timeout` (CloudNativePG's default 5min, a stack's `parameters.archive_timeout`
 * counts), and Barman's recovery window (`retentionPolicy`).
 *
 * @see https://cloudnative-pg.io/documentation/current/wal_archiving/
 * @see https://cloudnative-pg.io/plugin-barman-cloud/docs/retention/
 */
import { formatSpan } from '../../config/recovery-span';
import type { RecoveryGuarantee } from '../../model/recovery';
import { archiveTimeoutBound, spanDays } from '../../model/recovery-bounds';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { ArchiveLocation } from '../../config/stack-state';
import type { CnpgDatabaseSpec } from './cnpg-schema';

/** Seconds a Barman recovery window (`10d`, `4w`, `3m`) is sure to cover; a month is a calendar month, at least 28 days. */
function recoveryWindowSeconds(policy: string): number {
  const m = /^(\d+)([dwm])$/.exec(policy);
  return m ? Number(m[1]) * { d: 1, w: 7, m: 28 }[m[2] as 'd' | 'w' | 'm'] * 86_400 : 0;
}

/** `archives`: the generation's folder (EngineModel.archives). */
export function cnpgRecovery(
  db: ResolvedDatabase<CnpgDatabaseSpec>,
  gen: ResolvedGeneration,
  archives: readonly ArchiveLocation[],
): RecoveryGuarantee {
  const b = db.spec.backup;
  const window = recoveryWindowSeconds(b.retentionPolicy);
  const folder = archives[0]?.url ?? `${b.destinationPath}${gen.name}`;
  return {
    method: 'wal',
    rpo: archiveTimeoutBound({
      set: db.spec.parameters.archive_timeout,
      path: `${db.path}.parameters.archive_timeout`,
      defaultSeconds: 300,
      defaultSource: "CloudNativePG's default (5min)",
      field: 'parameters.archive_timeout',
    }),
    window: {
      seconds: window,
      source: `retentionPolicy ${b.retentionPolicy}: Barman keeps the base backups and WAL to reach any point of the last ${formatSpan(window)}`,
      path: `${db.path}.backup.retentionPolicy`,
      value: b.retentionPolicy,
      fix: (target) => `set backup.retentionPolicy to ${spanDays(target)}d or more (more object storage)`,
    },
    restoreUses: `the newest base backup in ${folder} before the target, then WAL from the same folder (barman-cloud-restore, barman-cloud-wal-restore)`,
  };
}
