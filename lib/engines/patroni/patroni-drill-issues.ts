/** What a Patroni restore drill (`drill`, patroni-drill.ts) cannot use, as config issues. */
import type { ConfigIssue } from '../../config/config-error';
import type { ResolvedDatabase } from '../../model/resolved';
import { backedUpDatabases, type PatroniDatabaseSpec } from './patroni-schema';

export function patroniDrillIssues(db: ResolvedDatabase<PatroniDatabaseSpec>): ConfigIssue[] {
  const drill = db.spec.drill;
  if (!drill) return [];
  const issues: ConfigIssue[] = [];
  const dumped = backedUpDatabases(db.spec);
  const target = drill.check.database ?? db.spec.database;
  if (!dumped.includes(target)) {
    issues.push({
      path: `${db.path}.drill.check.database`,
      value: target,
      allowed: `a database the backup-container dumps: ${dumped.join(', ')}`,
      fix: 'name one of them, or add it to backup.databases',
    });
  }
  if (drill.credentials) {
    issues.push({
      path: `${db.path}.drill.credentials`,
      value: Object.keys(drill.credentials)[0],
      allowed: 'no credentials: the drill reads the dumps from the backup volume, mounted read-only',
      fix: 'remove drill.credentials',
    });
  }
  return issues;
}
