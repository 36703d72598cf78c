/** Field-coverage inputs of the operator engines: CloudNativePG and Crunchy PGO. */
import {
  type Db,
  type EngineCoverage,
  SHARED_CONSUMED,
  VAULT,
  common,
  drillOf,
  refusedDrillCredentials,
  rename,
  renamed,
  secret,
  tokenTtl,
  vault,
} from './field-coverage-parts';

const cnpgBackup = {
  method: 'plugin',
  destinationPath: 's3://site-backups/indigo/forgejo/',
  endpointURL: 'https://minio.example:9000',
  credentials: vault('/aws/creds/forgejo'),
  compression: 'gzip',
  tags: { site: 'indigo' },
  retentionPolicy: '10d',
  schedule: '0 0 0 * * *',
  onDemand: { id: 'pre-upgrade' },
};

const cnpg = (backup: Db, restores: Db[], drill: Db) => ({
  'pgfleet:namespace': 'forgejo',
  'pgfleet:vault': VAULT,
  'pgfleet:databases': [
    {
      ...common('forgejo', ['forgejo-db', 'forgejo-db-b']),
      engine: 'cnpg',
      postgresVersion: 17,
      generations: [{ name: 'forgejo-db', postgresVersion: 17 }, { name: 'forgejo-db-b' }, ...restores, { name: 'forgejo-db-old' }],
      retired: ['forgejo-db-old'],
      instances: 2,
      storage: { size: '50Gi', storageClass: 'fast' },
      imageCatalog: { kind: 'ImageCatalog', name: 'postgresql' },
      parameters: { work_mem: '4MB' },
      database: 'forgejo',
      owner: 'forgejo',
      enableSuperuserAccess: true,
      primaryUpdateStrategy: 'supervised',
      backup: { ...cnpgBackup, ...backup },
      drill,
    },
  ],
});

const repos = (s3Credentials: unknown, gcsCredentials: unknown, azureCredentials: unknown) => [
  {
    name: 'repo1',
    schedules: { full: '0 2 * * *', differential: '0 3 * * 1', incremental: '*/15 * * * *' },
    retention: { full: 30, type: 'time' },
    volume: { size: '10Gi', storageClass: 'netapp-file-backup', onClusterDelete: 'kept-by-pv-patch' },
  },
  {
    name: 'repo2',
    retention: { full: 2, type: 'count' },
    s3: {
      bucket: 'jobstore-backups',
      endpoint: 's3.ca-central-1.amazonaws.com',
      region: 'ca-central-1',
      credentials: s3Credentials,
      pathPrefix: '/pg1',
    },
  },
  { name: 'repo3', retention: { full: 3 }, gcs: { bucket: 'jobstore-gcs', credentials: gcsCredentials, pathPrefix: '/pg1' } },
  { name: 'repo4', retention: { full: 4 }, azure: { container: 'jobstore-az', credentials: azureCredentials, pathPrefix: '/pg1' } },
];

const crunchy = (generations: Db[], acknowledge: string[], repoList: Db[], drill: Db, manualRepo = 'repo2') => ({
  'pgfleet:namespace': 'f3c07a-prod',
  'pgfleet:vault': VAULT,
  'pgfleet:databases': [
    {
      ...common('api-postgres', ['api-alpha']),
      consumers: [{ app: 'api', secretName: 'api-database-url', key: 'DATABASE_URL', user: 'admin' }],
      acknowledge,
      engine: 'crunchy',
      postgresVersion: 16,
      generations,
      retired: ['api-old'],
      storage: { size: '1.5Gi', storageClass: 'netapp-block' },
      instances: [
        {
          name: 'instance1',
          replicas: 2,
          storage: { size: '2Gi', storageClass: 'netapp-block' },
          requests: { cpu: '200m', memory: '256Mi' },
          limits: { cpu: '500m', memory: '512Mi' },
        },
        // Without storage of its own: the database's storage applies.
        { name: 'instance2' },
      ],
      users: [
        { name: 'admin', databases: ['api'], options: 'CREATEDB', passwordType: 'AlphaNumeric' },
        { name: 'reader', databases: ['api'] },
      ],
      parameters: { work_mem: '8MB' },
      backups: {
        repos: repoList,
        global: { 'compress-type': 'lz4' },
        manual: { id: 'before-1', type: 'diff', repoName: manualRepo, generation: 'api-alpha' },
      },
      networkPolicy: { clients: [{ name: 'api' }] },
      drill,
    },
  ],
});

export const CNPG: EngineCoverage = {
  bases: {
    plugin: cnpg(
      {},
      [
        {
          name: 'forgejo-db-r1',
          restoreFrom: { generation: 'forgejo-db', targetTime: '2026-11-20T08:00:00Z', backupID: '20261120T000003' },
        },
      ],
      drillOf('forgejo', 'atLeast', vault('/aws/creds/forgejo-drill')),
    ),
    inTree: cnpg(
      { method: 'barmanObjectStore', credentials: secret },
      [
        { name: 'forgejo-db-r1', restoreFrom: { generation: 'forgejo-db', targetLSN: '0/3000060' } },
        { name: 'forgejo-db-r2', restoreFrom: { generation: 'forgejo-db', targetName: 'before-migration', backupID: '20261120T000003' } },
      ],
      drillOf('forgejo', 'equals', { existingSecret: { name: 'drill-keys', accessKeyIdKey: 'ro-id', secretAccessKeyKey: 'ro-secret' } }),
    ),
  },
  markers: {
    'generations[].restoreFrom.generation': (db: Db) => {
      for (const g of db.generations) if (g.restoreFrom) g.restoreFrom.generation = 'forgejo-db-b';
    },
    'backup.destinationPath': 's3://site-backups/indigo/forgejo-2/',
  },
  consumed: {
    ...SHARED_CONSUMED,
    ...tokenTtl('backup.credentials<0>', 'drill.credentials<0>'),
    'consumers[].user': 'refused: CloudNativePG publishes one application user, in <cluster>-app',
    ...refusedDrillCredentials(['keyFileSecret'], 'barman-cloud reads the S3 archive at backup.destinationPath with an access key'),
  },
};

export const CRUNCHY: EngineCoverage = {
  bases: {
    vault: crunchy(
      [
        {
          name: 'api-alpha',
          restoreInPlace: { id: 'undo-1', repoName: 'repo2', targetTime: '2026-11-20T08:00:00Z', backupSet: '20261120-010003F' },
        },
        {
          name: 'api-beta',
          restoreFrom: { generation: 'api-alpha', targetTime: '2026-11-20T08:00:00Z', backupSet: '20261120-010003F' },
          restoreRepo: 'repo2',
        },
        {
          name: 'api-gamma',
          postgresVersion: 16,
          image: 'registry.example/postgres:16',
          upgrade: {
            to: 17,
            phase: 'prepare',
            image: 'registry.example/upgrade:1',
            transferMethod: 'Copy',
            jobs: 2,
            postgresImage: 'registry.example/postgres:17',
          },
        },
        { name: 'api-b' },
        { name: 'api-old' },
      ],
      ['destroys-data:api-alpha'],
      repos(vault('/aws/creds/jobstore'), vault('/gcp/key/jobstore'), secret),
      // The drill restores from repo2, the first repository in object storage (S3: S3 keys).
      drillOf('api', 'atLeast', vault('/aws/creds/jobstore-drill')),
    ),
    secrets: crunchy(
      [
        { name: 'api-alpha', restoreInPlace: { id: 'undo-2', targetLSN: '0/3000060' } },
        { name: 'api-beta', restoreFrom: { generation: 'api-alpha', targetLSN: '0/3000060' } },
        { name: 'api-delta', restoreFrom: { generation: 'api-alpha', targetName: 'before-migration', backupSet: '20261120-010003F' } },
        { name: 'api-epsilon', restoreInPlace: { id: 'undo-3', targetName: 'before-migration', backupSet: '20261120-010003F' } },
        {
          name: 'api-gamma',
          postgresVersion: 16,
          image: 'registry.example/postgres:16',
          upgrade: { to: 17, phase: 'complete', postgresImage: 'registry.example/postgres:17' },
        },
        { name: 'api-b' },
        { name: 'api-old' },
      ],
      ['destroys-data:api-alpha', 'destroys-data:api-epsilon'],
      repos(secret, { existingSecret: { name: 'gcs-key', key: 'key.json' } }, vault('/azure/creds/jobstore')),
      drillOf('api', 'equals', { existingSecret: { name: 'drill-keys', accessKeyIdKey: 'ro-id', secretAccessKeyKey: 'ro-secret' } }),
    ),
    // No S3 repository: the drill restores from repo3 (GCS), read with a key file.
    gcs: crunchy(
      [{ name: 'api-alpha' }, { name: 'api-b' }, { name: 'api-old' }],
      [],
      repos(secret, { existingSecret: { name: 'gcs-key', key: 'key.json' } }, secret).filter((r) => r.name !== 'repo2'),
      drillOf('api', 'atLeast', { keyFileSecret: { name: 'gcs-drill-key', key: 'reader.json' } }),
      'repo3',
    ),
  },
  markers: {
    'generations[].postgresVersion': 15,
    'generations[].restoreFrom.generation': (db: Db) => {
      for (const g of db.generations) if (g.restoreFrom) g.restoreFrom.generation = 'api-b';
    },
    'backups.manual.generation': 'api-b',
    'instances[].name': 'instance7',
    'consumers[].user': 'reader',
    'users[].name': renamed,
    'backups.repos[].name': (db: Db) =>
      [rename('repo1', 'repoX'), rename('repo2', 'repo1'), rename('repoX', 'repo2')].forEach((f) => f(db)),
  },
  consumed: {
    ...SHARED_CONSUMED,
    'generations[].upgrade.postgresImage@vault': 'read in phase complete only (base secrets): the prepare phase still runs the old image',
    'generations[].image@secrets': 'read until phase complete: from then on upgrade.postgresImage runs (base vault)',
    ...tokenTtl(
      'backups.repos[].s3.credentials<0>',
      'backups.repos[].gcs.credentials<0>',
      'backups.repos[].azure.credentials<0>',
      'drill.credentials<0>',
    ),
  },
};
