/** Shared inputs of the CloudNativePG engine tests: the Indigo forgejo database, with overrides. */

/** The Indigo forgejo database as in stacks/Pulumi.indigo-prod.yaml, with overrides. */
export function forgejo(db: Record<string, unknown> = {}, backup: Record<string, unknown> = {}) {
  return {
    'pgfleet:namespace': 'forgejo',
    'pgfleet:vault': { server: 'https://vault.example:8200', mountPath: 'kubernetes-indigo' },
    'pgfleet:databases': [
      {
        name: 'forgejo',
        engine: 'cnpg',
        postgresVersion: 18,
        generations: [{ name: 'forgejo-db' }],
        enableSuperuserAccess: true,
        storage: { size: '50Gi', storageClass: 'cluster-nobackup' },
        parameters: { archive_timeout: '30min' },
        backup: {
          destinationPath: 's3://dal-site-backups/indigo/forgejo/postgres/',
          credentials: { vault: { path: '/aws/creds/forgejo-db-backup', role: 'forgejo-db-backup' } },
          tags: { site: 'indigo', service: 'forgejo' },
          retentionPolicy: '10d',
          ...backup,
        },
        consumers: [{ app: 'forgejo', secretName: 'forgejo-database-url' }],
        ...db,
      },
    ],
  };
}

/** forgejo() plus a generation restored from forgejo-db; forgejo-db keeps serving. */
export const restored = (restoreFrom: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  forgejo({
    generations: [{ name: 'forgejo-db' }, { name: 'forgejo-db-r1', restoreFrom: { generation: 'forgejo-db', ...restoreFrom } }],
    serving: 'forgejo-db',
    ...extra,
  });
