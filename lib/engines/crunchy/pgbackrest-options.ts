import type { RecoveryTarget } from '../../model/recovery-target';

/**
 * pgBackRest `restore` options for a recovery target, as PGO takes them in
 * `dataSource.postgresCluster.options` and `backups.pgbackrest.restore.options`.
 *
 * PGO joins the options with spaces and runs them through a shell
 * (`bash -xc "pgbackrest restore ${opts}"`, `internal/pgbackrest/config.go` RestoreCommand), so a
 * value with spaces is double-quoted: the shell turns `--target="2026-11-20 08:00:00+01:00"` into
 * the single argument `--target=2026-11-20 08:00:00+01:00`. The time is PostgreSQL timestamptz
 * text with an explicit offset, so the server's time zone never decides the instant.
 * PGO adds `--stanza`, `--pg1-path`, `--repo`, `--delta` and `--target-action=promote` itself and
 * refuses them here.
 *
 * `set` is the backup set to start from (`--set`). Without it pgBackRest picks the newest set
 * that ended before a time or LSN target, and the newest set of all for any other target: a
 * named restore point older than the newest backup is then never reached (the schema requires a
 * set with `targetName`).
 *
 * @see https://pgbackrest.org/command.html#command-restore
 */
export function restoreOptions(target: RecoveryTarget, set?: string): string[] {
  const from = set !== undefined ? [`--set=${set}`] : [];
  switch (target.kind) {
    case 'time':
      return ['--type=time', `--target="${target.time!.postgres}"`, ...from];
    case 'lsn':
      return ['--type=lsn', `--target="${target.value}"`, ...from];
    case 'name':
      return ['--type=name', `--target="${target.value}"`, ...from];
    case 'latest':
      return from;
    default:
      throw new Error(`pgBackRest cannot restore to a ${target.kind} target (refused by the stack schema)`);
  }
}

/** pgBackRest `backup` options of a one-off backup. */
export function backupOptions(type: 'full' | 'diff' | 'incr'): string[] {
  return [`--type=${type}`];
}
