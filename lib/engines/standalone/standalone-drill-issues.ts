/** What a standalone restore drill (`drill`, standalone-drill.ts) cannot use, as config issues. */
import type { ConfigIssue } from '../../config/config-error';
import type { ResolvedDatabase } from '../../model/resolved';
import type { StandaloneDatabaseSpec } from './standalone-schema';

export function standaloneDrillIssues(db: ResolvedDatabase<StandaloneDatabaseSpec>): ConfigIssue[] {
  const c = db.spec.drill?.credentials;
  if (!c) return [];
  const b = db.spec.backup;
  if (b.method === 'dump' && 'pvc' in b.target) {
    return [
      {
        path: `${db.path}.drill.credentials`,
        value: Object.keys(c)[0],
        allowed: "no credentials: the drill reads the dumps from the generation's claim, mounted read-only",
        fix: 'remove drill.credentials',
      },
    ];
  }
  if ('keyFileSecret' in c) {
    return [
      {
        path: `${db.path}.drill.credentials.keyFileSecret`,
        value: c.keyFileSecret.name,
        allowed: 'S3 keys (vault or existingSecret) that may read the bucket the dumps are in',
        fix: 'give drill.credentials.existingSecret {name, accessKeyIdKey, secretAccessKeyKey} or a Vault role',
      },
    ];
  }
  return [];
}
