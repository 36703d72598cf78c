/** What a Spilo restore drill (`drill`, spilo-drill.ts) cannot use, as config issues. */
import type { ConfigIssue } from '../../config/config-error';
import type { ResolvedDatabase } from '../../model/resolved';
import type { SpiloDatabaseSpec } from './spilo-schema';

export function spiloDrillIssues(db: ResolvedDatabase<SpiloDatabaseSpec>): ConfigIssue[] {
  const c = db.spec.drill?.credentials;
  if (!c || 'keyFileSecret' in c) return [];
  return [
    {
      path: `${db.path}.drill.credentials`,
      value: Object.keys(c)[0],
      allowed: 'keyFileSecret: WAL-G reads the GCS prefix with a service-account key file',
      fix: 'give drill.credentials.keyFileSecret {name, key} of a service account with roles/storage.objectViewer on the bucket',
    },
  ];
}
