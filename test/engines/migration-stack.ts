/** Engine-migration scenarios for tests: the seed databases with a generation on CloudNativePG copied from the live one. */
import { ciip, LIVE as SPILO_LIVE } from './spilo-stack';
import { hcap } from './patroni-stack';
import { pydis, LIVE as STANDALONE_LIVE } from './standalone-stack';
import { prodDatabase } from './crunchy-stack';

export type Config = Record<string, unknown>;

export const TARGET = 'ciip-portal-cnpg';

/** The cnpg block of a migration: its generations' settings, as a cnpg database entry has them. */
export const cnpgBlock = (extra: Config = {}): Config => ({
  instances: 2,
  storage: { size: '10Gi', storageClass: 'netapp-block-standard' },
  database: 'ciip_portal',
  owner: 'ciip_portal',
  backup: {
    destinationPath: 's3://wksv3k-prod-ciip-backups/cnpg/',
    endpointURL: 'https://storage.googleapis.com',
    credentials: { existingSecret: { name: 'gcp-hmac-key' } },
  },
  ...extra,
});

/** cas-ciip-prod with ciip-portal-cnpg on CloudNativePG 17 copied from the live Spilo generation. */
export function spiloToCnpg(migrateFrom: Config = {}, db: Config = {}, target: Config = {}): Config {
  return ciip({
    generations: [
      { name: SPILO_LIVE },
      { name: TARGET, engine: 'cnpg', postgresVersion: 17, migrateFrom: { generation: SPILO_LIVE, ...migrateFrom }, ...target },
    ],
    serving: SPILO_LIVE,
    acknowledge: [`destroys-data:${SPILO_LIVE}`],
    cnpg: cnpgBlock(),
    ...db,
  });
}

/** hcap-prod with hcap-cnpg copied from hcap-patroni. */
export function patroniToCnpg(migrateFrom: Config = {}): Config {
  return hcap({
    generations: [
      { name: 'hcap-patroni' },
      { name: 'hcap-cnpg', engine: 'cnpg', postgresVersion: 17, migrateFrom: { generation: 'hcap-patroni', ...migrateFrom } },
    ],
    serving: 'hcap-patroni',
    cnpg: cnpgBlock({ database: 'hcap', owner: 'hcap' }),
  });
}

/** pydis-prod with postgres-cnpg copied from the standalone server. */
export function standaloneToCnpg(migrateFrom: Config = {}): Config {
  return pydis('prod', {
    generations: [
      { name: STANDALONE_LIVE },
      {
        name: 'postgres-cnpg',
        engine: 'cnpg',
        postgresVersion: 17,
        migrateFrom: { generation: STANDALONE_LIVE, type: 'monolith', databases: ['site', 'metricity'], roles: ['*'], ...migrateFrom },
      },
    ],
    serving: STANDALONE_LIVE,
    cnpg: cnpgBlock({ database: 'site', owner: 'site' }),
  });
}

/** hcap-prod with hcap-standalone, a standalone server on 17 filled by the dump/restore Job from hcap-patroni. */
export function patroniToStandalone(migrateFrom: Config = {}): Config {
  return hcap({
    generations: [
      { name: 'hcap-patroni' },
      { name: 'hcap-standalone', engine: 'standalone', postgresVersion: 17, migrateFrom: { generation: 'hcap-patroni', ...migrateFrom } },
    ],
    serving: 'hcap-patroni',
    standalone: {
      superuser: { secretName: 'hcap-standalone-superuser' },
      storage: { size: '5Gi', storageClass: 'netapp-block-standard' },
      backup: { method: 'dump', retentionDays: 7, target: { pvc: { size: '10Gi' } } },
      connection: { database: 'hcap', secret: { name: 'hcap-app-login' } },
      network: { allowFrom: [{ namespace: 'hcap-prod', podLabels: { app: 'hcap-server' } }] },
    },
  });
}

/** The job store's Crunchy settings as a block: every key but the entry's own. */
export function crunchyBlock(users: Config[] = [{ name: 'hcap', databases: ['hcap'] }, { name: 'postgres' }]): Config {
  const { name: _n, engine: _e, generations: _g, consumers: _c, serving: _s, postgresVersion: _p, ...block } = prodDatabase();
  return { ...block, users };
}

/** hcap-prod with hcap-crunchy, a PGO cluster on 17 filled by the dump/restore Job from hcap-patroni. */
export function patroniToCrunchy(block: Config = crunchyBlock()): Config {
  return hcap({
    generations: [
      { name: 'hcap-patroni' },
      { name: 'hcap-crunchy', engine: 'crunchy', postgresVersion: 17, migrateFrom: { generation: 'hcap-patroni' } },
    ],
    serving: 'hcap-patroni',
    crunchy: block,
  });
}
