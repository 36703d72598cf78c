/**
 * The recovery guarantee of a Spilo generation: WAL-G `wal-push` with `archive_timeout`, which
 * Spilo 2.1-p2 writes as 1800s into the bootstrap DCS configuration
 * (postgres-appliance/scripts/configure_spilo.py) and pgfleet lowers to `backup.archiveTimeout`
 * (5min) through SPILO_CONFIGURATION; and `BACKUP_NUM_TO_RETAIN` (postgres_backup.sh deletes base
 * backups older than that many days, but only while at least that many newer ones remain, and
 * keeps the newest older one as the base of the window).
 */
import { formatSpan, pgTimeSeconds } from '../../config/recovery-span';
import type { RecoveryGuarantee } from '../../model/recovery';
import { archiveTimeoutBound, spanDays } from '../../model/recovery-bounds';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { ArchiveLocation } from '../../config/stack-state';
import type { SpiloDatabaseSpec } from './spilo-schema';

/** Spilo's own archive_timeout (configure_spilo.py, bootstrap.dcs.postgresql.parameters). */
const SPILO_ARCHIVE_TIMEOUT_SECONDS = 1800;

/**
 * The `SPILO_CONFIGURATION` env of a generation: `postgresql.parameters.archive_timeout`, a
 * local Patroni setting. configure_spilo.py deep-merges this YAML over the configuration it
 * generates (the user's values win), and Patroni lets local `postgresql.parameters` override the
 * dynamic (DCS) ones (patroni/config.py `_build_effective_configuration`), so it reaches running
 * scopes too, not only new ones.
 */
export function spiloConfiguration(backup: NonNullable<SpiloDatabaseSpec['backup']>): { SPILO_CONFIGURATION: string } {
  const seconds = pgTimeSeconds(backup.archiveTimeout) ?? SPILO_ARCHIVE_TIMEOUT_SECONDS;
  return { SPILO_CONFIGURATION: JSON.stringify({ postgresql: { parameters: { archive_timeout: `${seconds}s` } } }) };
}

/** `archives`: the generation's WAL-G prefix (EngineModel.archives). */
export function spiloRecovery(
  db: ResolvedDatabase<SpiloDatabaseSpec>,
  gen: ResolvedGeneration,
  archives: readonly ArchiveLocation[],
): RecoveryGuarantee {
  const b = db.spec.backup!;
  const rpo = archiveTimeoutBound({
    set: b.archiveTimeout,
    path: `${db.path}.backup.archiveTimeout`,
    defaultSeconds: SPILO_ARCHIVE_TIMEOUT_SECONDS,
    defaultSource: "Spilo's",
    field: 'backup.archiveTimeout',
  });
  return {
    method: 'wal',
    rpo: { ...rpo, source: `${rpo.source}, set through SPILO_CONFIGURATION (Spilo's own is 1800s)` },
    window: {
      seconds: b.retain * 86_400,
      source: `BACKUP_NUM_TO_RETAIN ${b.retain}: Spilo deletes base backups older than ${formatSpan(b.retain * 86_400)} only while ${b.retain} newer ones remain, and keeps the newest older one`,
      path: `${db.path}.backup.retain`,
      value: b.retain,
      fix: (target) => `set backup.retain to ${spanDays(target)} or more (days; more object storage)`,
    },
    restoreUses: `the newest WAL-G base backup in ${archives[0]?.url ?? gen.name} before the target, then its WAL (wal-g backup-fetch, wal-fetch)`,
  };
}
