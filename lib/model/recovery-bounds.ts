/**
 * The bounds every engine's recovery guarantee is built from: WAL archiving with an
 * `archive_timeout`, and a dump schedule. Engines add where their numbers come from.
 */
import { cronGaps } from '../config/cron';
import { formatSpan, pgTimeSeconds, spanSeconds } from '../config/recovery-span';
import type { RecoveryBound } from './recovery';

/** PostgreSQL's spelling of a recovery span, for a postgresql.conf setting: `5m` → `5min`. */
export const pgSpan = (target: string): string => formatSpan(spanSeconds(target) ?? 0).replace(/m$/, 'min');

/** Days in a span, rounded up (retention settings count whole days). */
export const spanDays = (target: string): number => Math.ceil((spanSeconds(target) ?? 0) / 86_400);

export interface ArchiveTimeoutProps {
  /** The stack's setting, if any (a postgresql.conf time: `300`, `5min`). */
  readonly set?: string;
  /** Config path of the setting. */
  readonly path: string;
  /** The engine's own default in seconds, and where it is written. */
  readonly defaultSeconds: number;
  readonly defaultSource: string;
  /** The field a user sets, for the fix (e.g. `parameters.archive_timeout`). */
  readonly field: string;
}

/**
 * The RPO of continuous WAL archiving: PostgreSQL switches to a new WAL file at least every
 * `archive_timeout` and the archiver ships the finished one, so a total loss of the cluster loses
 * at most that much (a busy database fills 16 MB files sooner and loses less). `0` turns the
 * timer off: an idle database may then keep its last writes unarchived indefinitely.
 */
export function archiveTimeoutBound(p: ArchiveTimeoutProps): RecoveryBound {
  const seconds = p.set === undefined ? p.defaultSeconds : pgTimeSeconds(p.set);
  const source =
    p.set === undefined
      ? `WAL archived at least every ${formatSpan(p.defaultSeconds)}: archive_timeout, ${p.defaultSource}`
      : seconds === undefined
        ? `archive_timeout ${JSON.stringify(p.set)} is not a PostgreSQL time`
        : seconds === 0
          ? 'archive_timeout 0 turns the timer off: an idle database may keep its last writes unarchived'
          : `WAL archived at least every ${formatSpan(seconds)}: archive_timeout ${p.set} (${p.field})`;
  return {
    seconds: seconds === undefined || seconds === 0 ? null : seconds,
    source,
    path: p.path,
    value: p.set,
    fix: (target) =>
      `set ${p.field} to ${pgSpan(target)} or less: a WAL file is archived at least that often (an idle database then uploads more, mostly empty, 16 MB files)`,
  };
}

/**
 * The RPO of scheduled dumps: whatever was written since the last dump is lost, so the worst case
 * is the longest gap between two runs (plus the time a dump takes, which no setting states).
 */
export function dumpScheduleBound(schedule: string, path: string, zone = 'UTC'): RecoveryBound {
  const gaps = cronGaps(schedule, { every: true });
  // cronGaps counts in UTC; in a zone with daylight saving time a gap across the change is an hour longer.
  const dst = !/^(UTC|Etc\/.*|GMT)$/.test(zone) && gaps !== undefined && gaps.longest >= 3_600;
  const longest = gaps === undefined ? null : gaps.longest + (dst ? 3_600 : 0);
  return {
    seconds: longest,
    source: `dumps on "${schedule}" (${zone}): up to ${formatSpan(longest)} between two dumps${dst ? ' (across a daylight-saving change)' : ''}, and no WAL in between`,
    path,
    value: schedule,
    fix: (target) =>
      `dump more often: a schedule whose runs are at most ${target} apart (e.g. "0 */${Math.max(1, Math.floor((spanSeconds(target) ?? 3600) / 3600))} * * *"); an RPO of minutes needs WAL archiving (an engine with it: cnpg, crunchy, spilo)`,
  };
}
