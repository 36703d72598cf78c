/**
 * The recovery guarantee of a Crunchy PGO generation: pgBackRest `archive-push` with
 * `archive_timeout` (PGO's default 60s, internal/pgbackrest/postgres.go; a stack's
 * `parameters.archive_timeout` counts), and the window of the repository that reaches back
 * furthest (`repoN-retention-full` with its type).
 *
 * @see https://pgbackrest.org/configuration.html#section-repository/option-repo-retention-full
 */
import { cronGaps } from '../../config/cron';
import { formatSpan } from '../../config/recovery-span';
import type { RecoveryBound, RecoveryGuarantee } from '../../model/recovery';
import { archiveTimeoutBound, spanDays } from '../../model/recovery-bounds';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { ArchiveLocation } from '../../config/stack-state';
import type { CrunchyDatabaseSpec, CrunchyRepoSpec } from './crunchy-schema';

/**
 * How far back one repository is sure to reach. `time`: full backups (and what depends on them)
 * are kept N days. `count`: N full backups; right after a new full and its expiry the oldest kept
 * is N−1 full intervals old, so the window is (N−1) × the shortest gap between full backups.
 */
function repoWindow(db: ResolvedDatabase<CrunchyDatabaseSpec>, repo: CrunchyRepoSpec, i: number): RecoveryBound {
  const path = `${db.path}.backups.repos[${i}].retention.full`;
  const r = repo.retention;
  if (r.type === 'time') {
    return {
      seconds: r.full * 86_400,
      source: `${repo.name}-retention-full ${r.full} (type time): full backups and their WAL are kept ${r.full} days`,
      path,
      value: r.full,
      fix: (target) => `set backups.repos[${i}].retention.full to ${spanDays(target)} or more (type time)`,
    };
  }
  const gap = repo.schedules.full ? cronGaps(repo.schedules.full)?.shortest : undefined;
  const seconds = gap === undefined ? 0 : (r.full - 1) * gap;
  return {
    seconds,
    source:
      gap === undefined
        ? `${repo.name}-retention-full ${r.full} (type count) with no full schedule: only the full backups someone takes by hand`
        : `${repo.name}-retention-full ${r.full} (type count), a full backup every ${formatSpan(gap)}: the oldest kept is ${r.full - 1} full intervals old right after a new one`,
    path,
    value: r.full,
    fix: (target) =>
      gap === undefined
        ? `add backups.repos[${i}].schedules.full, or keep days: retention: {full: ${spanDays(target)}, type: time}`
        : `keep ${Math.ceil((spanDays(target) * 86_400) / gap) + 1} full backups (backups.repos[${i}].retention.full), or retention: {full: ${spanDays(target)}, type: time}`,
  };
}

/** `archives`: the generation's repositories (EngineModel.archives). */
export function crunchyRecovery(
  db: ResolvedDatabase<CrunchyDatabaseSpec>,
  gen: ResolvedGeneration,
  archives: readonly ArchiveLocation[],
): RecoveryGuarantee {
  const repos = db.spec.backups.repos;
  const windows = repos.map((r, i) => repoWindow(db, r, i));
  const best = windows.reduce((a, w) => ((w.seconds ?? 0) > (a.seconds ?? 0) ? w : a), windows[0]);
  const repo = repos[windows.indexOf(best)];
  return {
    method: 'wal',
    rpo: archiveTimeoutBound({
      set: db.spec.parameters.archive_timeout,
      path: `${db.path}.parameters.archive_timeout`,
      defaultSeconds: 60,
      defaultSource: "PGO's default (60s)",
      field: 'parameters.archive_timeout',
    }),
    window: best,
    restoreUses: `the newest full backup (with its differential and incremental ones) in ${repo.name} at ${archives.find((a) => a.repo === repo.name)?.url ?? gen.name} before the target, then WAL through archive-get (pgbackrest restore, stanza db)`,
  };
}
