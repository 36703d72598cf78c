/** The Indigo CloudNativePG stack and its PITR / cutover / retire / upgrade variants, shared by the review tests. */
import type { Config } from './review-scenarios';

export const TARGET = '2026-11-21T09:30:00+01:00';

/** The Indigo database on CloudNativePG, with fields overridden per scenario. */
export function forgejo(over: Config = {}): Config {
  return {
    'pgfleet:namespace': 'forgejo',
    'pgfleet:vault': { server: 'https://vault.example.com:8200' },
    'pgfleet:databases': [
      {
        name: 'forgejo',
        engine: 'cnpg',
        postgresVersion: 17,
        generations: [{ name: 'forgejo-db' }],
        storage: { size: '50Gi', storageClass: 'cluster-nobackup' },
        parameters: { archive_timeout: '30min' },
        backup: {
          destinationPath: 's3://dal-site-backups/indigo/forgejo/postgres/',
          credentials: { vault: { path: '/aws/creds/forgejo-db-backup', role: 'forgejo-db-backup' } },
          retentionPolicy: '10d',
          schedule: '0 0 0 * * *',
        },
        consumers: [{ app: 'forgejo', secretName: 'forgejo-database-url' }],
        ...over,
      },
    ],
  };
}

/** `backup` with some fields changed. */
export function backup(over: Config): Config {
  return { ...((forgejo()['pgfleet:databases'] as Config[])[0].backup as Config), ...over };
}

export const restored = { name: 'forgejo-db-20261121', restoreFrom: { generation: 'forgejo-db', targetTime: TARGET } };
/** Step 1 of a PITR: the restored generation beside the live one. */
export const pitr = forgejo({ generations: [{ name: 'forgejo-db' }, restored], serving: 'forgejo-db' });
/** Step 2: consumers switch to it. */
export const cutover = forgejo({ generations: [{ name: 'forgejo-db' }, restored], serving: 'forgejo-db-20261121' });
/** Step 3: restoreFrom removed (create-only). */
export const settled = forgejo({ generations: [{ name: 'forgejo-db' }, { name: 'forgejo-db-20261121' }], serving: 'forgejo-db-20261121' });
/** Step 4: the old generation retired. */
export const retiredOld = forgejo({
  generations: [{ name: 'forgejo-db' }, { name: 'forgejo-db-20261121' }],
  serving: 'forgejo-db-20261121',
  retired: ['forgejo-db'],
});
/** A major upgrade in place, acknowledged. */
export const upgraded = forgejo({ postgresVersion: 18, acknowledge: ['irreversible:forgejo-db'] });
