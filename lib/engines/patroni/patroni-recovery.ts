/**
 * The recovery guarantee of a Patroni generation backed up by BCDevOps backup-container: no WAL
 * archive, so the RPO is the longest gap between two scheduled dumps (`backup.schedule` in
 * `backup.timeZone`), and the window is the age of the oldest dump the rotation is sure to keep
 * (docker/backup.misc.utils: rolling keeps DAILY_BACKUPS dumps, WEEKLY_BACKUPS Sunday dumps and
 * MONTHLY_BACKUPS month-end dumps per database; daily keeps NUM_BACKUPS).
 */
import { cronGaps } from '../../config/cron';
import { formatSpan } from '../../config/recovery-span';
import type { RecoveryBound, RecoveryGuarantee } from '../../model/recovery';
import { dumpScheduleBound, spanDays } from '../../model/recovery-bounds';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { retentionOf } from './patroni-backup-schema';
import { patroniNames } from './patroni-names';
import type { PatroniDatabaseSpec } from './patroni-schema';

const DAY = 86_400;

/**
 * Right after a dump and its pruning, the oldest kept dump of a tier is (count − 1) periods old:
 * the schedule's shortest gap for daily dumps, a week for Sunday dumps, 28 days for month-end
 * dumps (February). The window is the tier that reaches furthest.
 */
function windowOf(db: ResolvedDatabase<PatroniDatabaseSpec>): RecoveryBound {
  const b = db.spec.backup;
  const gap = cronGaps(b.schedule)?.shortest ?? DAY;
  const r = retentionOf(b);
  const path = `${db.path}.backup.retention`;
  if (r.strategy === 'daily') {
    const seconds = Math.max(0, r.total - 1) * gap;
    return {
      seconds,
      source: `daily strategy, ${r.total} dumps kept, one every ${formatSpan(gap)}`,
      path: `${path}.total`,
      value: r.total,
      fix: (target) => `keep ${Math.ceil((spanDays(target) * DAY) / gap) + 1} dumps (backup.retention.total)`,
    };
  }
  const tiers = [
    { name: 'daily', count: r.daily, period: gap },
    { name: 'weekly', count: r.weekly, period: 7 * DAY },
    { name: 'monthly', count: r.monthly, period: 28 * DAY },
  ].map((t) => ({ ...t, seconds: Math.max(0, t.count - 1) * t.period }));
  const best = tiers.reduce((a, t) => (t.seconds > a.seconds ? t : a), tiers[0]);
  return {
    seconds: best.seconds,
    source: `rolling ${r.daily}/${r.weekly}/${r.monthly} (daily/weekly/monthly): the oldest ${best.name} dump kept is ${formatSpan(best.seconds)} old right after a rotation`,
    path: `${path}.${best.name}`,
    value: best.count,
    fix: (target) => `keep more Sunday dumps: backup.retention.weekly: ${Math.ceil(spanDays(target) / 7) + 1} (or monthly ones)`,
  };
}

export function patroniRecovery(db: ResolvedDatabase<PatroniDatabaseSpec>, gen: ResolvedGeneration): RecoveryGuarantee {
  const b = db.spec.backup;
  return {
    method: 'dump',
    rpo: dumpScheduleBound(b.schedule, `${db.path}.backup.schedule`, b.timeZone),
    window: windowOf(db),
    restoreUses: `the newest dump of each database in /backups/{daily,weekly,monthly}/ on the claim ${patroniNames.backupPvc(gen.name)}${b.s3 ? ` (copied to s3://${b.s3.bucket})` : ''} (backup.sh -r; one point in time per dump)`,
  };
}
