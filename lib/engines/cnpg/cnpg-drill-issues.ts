/** What a CloudNativePG restore drill (`drill`, cnpg-drill.ts) cannot use, as config issues. */
import type { ConfigIssue } from '../../config/config-error';
import type { ResolvedDatabase } from '../../model/resolved';
import type { CnpgDatabaseSpec } from './cnpg-schema';

export function cnpgDrillIssues(db: ResolvedDatabase<CnpgDatabaseSpec>): ConfigIssue[] {
  const c = db.spec.drill?.credentials;
  if (!c || !('keyFileSecret' in c)) return [];
  return [
    {
      path: `${db.path}.drill.credentials.keyFileSecret`,
      value: c.keyFileSecret.name,
      allowed: 'S3 keys (vault or existingSecret): barman-cloud reads the archive at backup.destinationPath with an access key',
      fix: 'give read-only S3 keys: drill.credentials.existingSecret {name, accessKeyIdKey, secretAccessKeyKey} or a Vault role',
    },
  ];
}
