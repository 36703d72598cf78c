/** Field-coverage inputs of the chart and StatefulSet engines: Spilo, Patroni and standalone. */
import {
  type At,
  CLIENT_MAJOR,
  type Db,
  type EngineCoverage,
  SHARED_CONSUMED,
  VAULT,
  common,
  drillOf,
  refusedDrillCredentials,
  rename,
  renameIn,
  renamed,
  secret,
  tokenTtl,
  vault,
} from './field-coverage-parts';

/** The dump a restore reads: blackbox names it after the database entry, pgfleet's dumps after the source generation. */
const restoreFile = (method: string, source: string, database = 'pydis') =>
  method === 'blackbox' ? `${database}_blackbox_20_11_2026.sql.gz` : `${source}-20261120T150000Z.sql.gz`;

const SUPERUSER = { secretName: 'postgres-env', userKey: 'POSTGRES_USER', passwordKey: 'POSTGRES_PASSWORD' };
const standalone = (backup: Db, superuser: Db = SUPERUSER, serving = 'postgres', drill?: Db) => ({
  'pgfleet:namespace': 'databases',
  'pgfleet:vault': VAULT,
  'pgfleet:databases': [
    {
      // Named apart from its generations: blackbox names its dumps after the database entry.
      ...common('pydis', ['postgres']),
      serving,
      // The consumer is admitted twice (a writer, and network.allowFrom), so a marker on either keeps it admitted.
      namespace: 'web',
      consumers: [{ app: 'site', secretName: 'site-database-url', key: 'DATABASE_URL' }],
      engine: 'standalone',
      postgresVersion: 16,
      generations: [
        { name: 'postgres', postgresVersion: 16 },
        { name: 'postgres-17', postgresVersion: 17, upgradeFrom: { generation: 'postgres' } },
        { name: 'postgres-restored', restoreFrom: { generation: 'postgres', backupFile: restoreFile(backup.method, 'postgres') } },
        { name: 'postgres-b' },
        { name: 'postgres-old' },
      ],
      retired: ['postgres-old'],
      image: {
        repository: 'ghcr.io/owl-corp/psql_extended',
        tags: { '15': '15.8', '16': '16.4', '17': '17.2' },
        pullPolicy: 'IfNotPresent',
        runAsUser: 999,
      },
      superuser,
      storage: { size: '25Gi', storageClass: 'linode-block-storage-retain', accessMode: 'ReadWriteOncePod' },
      sharedMemory: '2Gi',
      parameters: { shared_buffers: '1536MB', max_connections: 110, jit: false },
      resources: { requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '2', memory: '6Gi' } },
      connection: { database: 'site', secret: { name: 'site-db', userKey: 'username', passwordKey: 'password' } },
      network: { allowFrom: [{ namespace: 'monitoring', podLabels: { app: 'grafana' } }, { namespace: 'web' }] },
      writers: [{ namespace: 'web', name: 'site', replicas: 2, selector: { app: 'site' } }],
      upgrade: {
        dumpSize: '5Gi',
        kubectlImage: 'registry.k8s.io/kubectl:v1.32.4',
        timeout: '10m',
        manualSteps: { beforeDump: ['Enable maintenance mode.'], afterCutover: ['Check the site.'] },
      },
      backup,
      ...(drill ? { drill } : {}),
    },
  ],
});

/** The Spilo base: WAL-G to GCS, a restore, an upgrade; the drill reads with its own key file. */
const SPILO_FULL = {
  'pgfleet:namespace': 'wksv3k-prod',
  'pgfleet:databases': [
    {
      ...common('ciip-portal', ['ciip-portal-patroni']),
      engine: 'spilo',
      postgresVersion: 12,
      generations: [
        { name: 'ciip-portal-patroni', backupLocation: 'wal' },
        { name: 'ciip-portal-r1', restoreFrom: { generation: 'ciip-portal-patroni', targetTime: '2022-06-05T08:00:00Z' } },
        { name: 'ciip-portal-pg14', postgresVersion: 14, upgradeFrom: { generation: 'ciip-portal-patroni' } },
        { name: 'ciip-portal-old' },
      ],
      retired: ['ciip-portal-old'],
      replicas: 3,
      image: {
        repository: 'ghcr.io/bcgov/cas-postgres',
        tag: '9a6cd902e167dfc53e9588fa661a7ea03fc4729d',
        pullPolicy: 'IfNotPresent',
        maxPostgresVersion: 14,
      },
      chart: { repository: 'https://bcgov.github.io/cas-postgres', version: '0.21.4' },
      storage: { size: '10Gi', storageClass: 'netapp-block-standard' },
      dcs: { configMaps: true },
      credentials: 'generated',
      backup: {
        bucket: 'wksv3k-prod-ciip-backups',
        location: 'walg',
        serviceAccountKeySecret: 'gcp-key',
        schedule: '0 1 * * *',
        retain: 90,
        archiveTimeout: '2min',
      },
      database: 'ciip_portal',
      consumerUser: 'admin',
      resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      env: { LOG_LEVEL: 'info' },
      allowFrom: [{ 'app.kubernetes.io/name': 'cas-ciip-portal' }],
      drill: drillOf('ciip_portal', 'atLeast', { keyFileSecret: { name: 'gcs-drill-key', key: 'reader.json' } }),
    },
  ],
};

export const SPILO: EngineCoverage = {
  bases: {
    full: SPILO_FULL,
    // The check by exact text, and the backup's own key (no drill.credentials).
    backupKey: {
      ...SPILO_FULL,
      'pgfleet:databases': SPILO_FULL['pgfleet:databases'].map((db) => ({ ...db, drill: drillOf('ciip_portal', 'equals') })),
    },
  },
  markers: {
    'generations[].postgresVersion': 13,
    'generations[].restoreFrom.generation': 'ciip-portal-pg14',
    'generations[].upgradeFrom.generation': 'ciip-portal-r1',
    'env{}': (db: Db) => Object.assign(db.env, { PGFLEET_MARKER: 'x' }),
  },
  consumed: {
    ...SHARED_CONSUMED,
    credentials: 'one value only ("generated": the chart generates the passwords): nothing to choose',
    'consumers[].user': 'refused: the chart publishes the admin and postgres passwords only (consumerUser chooses)',
    'image.maxPostgresVersion': 'the newest major the image ships: pgfleet refuses generations above it; the chart does not read it',
    ...refusedDrillCredentials(['vault', 'existingSecret'], 'WAL-G reads the GCS prefix with a service-account key file (keyFileSecret)'),
  },
};

/** The Patroni base with credentials from Vault, a daily strategy and an in-place restore from one file. */
const PATRONI_VAULT = {
  'pgfleet:namespace': 'hcap-prod',
  'pgfleet:vault': VAULT,
  'pgfleet:databases': [
    {
      ...common('hcap', ['hcap-patroni']),
      acknowledge: ['destroys-data:hcap-patroni'],
      engine: 'patroni',
      postgresVersion: 12,
      generations: [{ name: 'hcap-patroni' }, { name: 'hcap-b' }],
      images: { '12': 'registry.example/patroni-postgres:12.4', '13': 'registry.example/patroni-postgres:13.1' },
      storage: { size: '5Gi' },
      database: 'hcap',
      network: { clients: [{ matchLabels: { name: 'hcap-app' } }] },
      credentials: {
        ...vault('/kv/hcap'),
        keys: {
          superuserUsername: 'su-user',
          superuserPassword: 'su-pass',
          replicationUsername: 'repl-user',
          replicationPassword: 'repl-pass',
          appUsername: 'app-user',
          appPassword: 'app-pass',
        },
      },
      backup: {
        image: 'docker.io/bcgovimages/backup-container:2.13.0',
        strategy: 'daily',
        timeZone: 'Etc/UTC',
        retention: { total: 31 },
        storage: { size: '5Gi' },
        s3: { endpoint: 'https://s3.example:9000', bucket: 'hcap-dumps', credentials: secret, prune: true },
      },
      inPlaceRestore: {
        generation: 'hcap-patroni',
        id: '20261122',
        backupFile: '/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz',
      },
      // The check runs in the application database (the default).
      drill: drillOf(undefined, 'equals'),
    },
  ],
};

export const PATRONI: EngineCoverage = {
  bases: {
    s3: {
      'pgfleet:namespace': 'hcap-prod',
      'pgfleet:vault': VAULT,
      'pgfleet:databases': [
        {
          ...common('hcap', ['hcap-patroni']),
          consumers: [{ app: 'hcap-app', secretName: 'hcap-database-url', key: 'DATABASE_URL', user: 'reporting' }],
          acknowledge: ['destroys-data:hcap-patroni'],
          engine: 'patroni',
          postgresVersion: 12,
          generations: [
            { name: 'hcap-patroni', postgresVersion: 12 },
            { name: 'hcap-patroni-r1', restoreFrom: { generation: 'hcap-patroni', targetTime: '2026-11-20T09:30:00Z' } },
            {
              name: 'hcap-patroni-r2',
              restoreFrom: {
                generation: 'hcap-patroni',
                backupFile: '/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz',
              },
            },
            { name: 'hcap-pg14', postgresVersion: 14, upgradeFrom: { generation: 'hcap-patroni' } },
            { name: 'hcap-b' },
            { name: 'hcap-old' },
          ],
          retired: ['hcap-old'],
          images: {
            '12': 'registry.example/patroni-postgres:12.4',
            '13': 'registry.example/patroni-postgres:13.1',
            '14': 'registry.example/patroni-postgres:14.1',
            '15': 'registry.example/patroni-postgres:15.1',
          },
          replicas: 3,
          storage: { size: '5Gi', storageClass: 'netapp-block-standard' },
          database: 'hcap',
          credentials: {
            existingSecret: { name: 'hcap-patroni' },
            keys: {
              superuserUsername: 'su-user',
              superuserPassword: 'su-pass',
              replicationUsername: 'repl-user',
              replicationPassword: 'repl-pass',
              appUsername: 'app-user',
              appPassword: 'app-pass',
            },
          },
          parameters: { maxConnections: 100, maxPreparedTransactions: 5, maxLocksPerTransaction: 64 },
          resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
          platform: 'openshift',
          network: { clients: [{ matchLabels: { name: 'hcap-server' } }] },
          backup: {
            // S3 copies need backup-container 2.7.0 or later.
            image: 'registry.example/backup-container:site-1',
            imageVersion: '2.13.0',
            strategy: 'rolling',
            schedule: '0 2 * * *',
            timeZone: 'America/Vancouver',
            retention: { daily: 5, weekly: 1, monthly: 1 },
            databases: ['hcap'],
            storage: { size: '5Gi', storageClass: 'netapp-file-backup', accessMode: 'ReadWriteOnce' },
            deadlineSeconds: 1600,
            verification: {
              schedule: '0 4 * * *',
              storage: { size: '1Gi', storageClass: 'netapp-file-standard' },
              maxAge: '48h',
              deadlineSeconds: 3600,
            },
            s3: { endpoint: 'https://s3.example:9000', bucket: 'hcap-dumps', credentials: vault('/aws/creds/hcap') },
            onDemand: { id: '20261121', generation: 'hcap-patroni' },
            resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          },
          inPlaceRestore: {
            generation: 'hcap-patroni',
            id: '20261122',
            targetTime: '2026-11-20T09:30:00Z',
            scaleDown: [{ kind: 'DeploymentConfig', name: 'hcap-server' }],
            kubectlImage: 'registry.k8s.io/kubectl:v1.32.4',
          },
        },
      ],
    },
    vault: PATRONI_VAULT,
    // Two databases dumped (no restore from one file then): the drill checks the second.
    databases: {
      ...PATRONI_VAULT,
      'pgfleet:databases': PATRONI_VAULT['pgfleet:databases'].map(({ inPlaceRestore: _, ...db }) => ({
        ...db,
        acknowledge: [],
        backup: { ...db.backup, databases: ['hcap', 'reports'] },
        drill: drillOf('reports', 'atLeast'),
      })),
    },
  },
  markers: {
    'generations[].restoreFrom.generation': (db: Db) => {
      for (const g of db.generations) if (g.restoreFrom) g.restoreFrom.generation = 'hcap-b';
      rename(
        '/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz',
        '/backups/daily/2026-11-20/hcap-b-hcap_2026-11-20_02-00-00.sql.gz',
      )(db);
    },
    'generations[].upgradeFrom.generation': 'hcap-b',
    'backup.strategy': (db: Db) => {
      db.backup.strategy = db.backup.strategy === 'rolling' ? 'daily' : 'rolling';
      db.backup.retention = db.backup.strategy === 'daily' ? { total: 30 } : { daily: 3 };
    },
    'backup.timeZone': 'Europe/Berlin',
    'backup.databases': (db: Db) => {
      db.backup.databases = db.backup.databases.map((d: string) => (d === 'hcap' ? 'hcapx' : d));
      Object.assign(db, JSON.parse(JSON.stringify(db).split('-hcap_').join('-hcapx_')));
    },
    'backup.onDemand.generation': 'hcap-b',
    // Another database the backup-container dumps: the drill checks only those.
    'drill.check.database': 'hcap',
    'inPlaceRestore.generation': (db: Db) => {
      renameIn(db.inPlaceRestore, db.inPlaceRestore.generation, 'hcap-b');
      db.acknowledge = ['destroys-data:hcap-b'];
    },
    database: (db: Db) => {
      db.database = 'hcapx';
      // Dumps are named after the databases backed up: the database's own unless backup.databases lists others.
      if (!db.backup.databases) Object.assign(db, JSON.parse(JSON.stringify(db).split('-hcap_').join('-hcapx_')));
    },
  },
  consumed: {
    ...SHARED_CONSUMED,
    ...tokenTtl('credentials<1>', 'backup.s3.credentials<0>'),
    'backup.imageVersion':
      "the image's release, read by pgfleet's checks only (S3 copies, pruning, pg_dump's major): every supported release runs the same Jobs",
    ...refusedDrillCredentials(
      ['vault', 'existingSecret', 'keyFileSecret'],
      'the drill reads the dumps from the backup volume, mounted read-only: no credentials',
    ),
  },
  lost: {
    'consumers[].user': 'accepted, but every consumer gets the application user of credentials.keys (appUsername/appPassword)',
  },
};

export const STANDALONE: EngineCoverage = {
  bases: {
    blackbox: standalone(
      {
        method: 'blackbox',
        schedule: '0 15 * * *',
        image: 'ghcr.io/lemonsaurus/blackbox:v3.0.2',
        clientMajor: 17,
        retentionDays: 7,
        storage: [
          { id: 'frankfurt_s3', type: 's3', bucket: 'blackbox', endpoint: 'eu-central-1.linodeobjects.com', credentials: secret },
          { id: 'newark_s3', bucket: 'blackbox', endpoint: 'us-east-1.linodeobjects.com', credentials: vault('/aws/creds/blackbox') },
        ],
        notifiers: [
          { type: 'discord', id: 'dev_ops', webhook: { name: 'blackbox-env', key: 'DEVOPS_WEBHOOK' } },
          { type: 'telegram', id: 'ops', token: { name: 'blackbox-env', key: 'TELEGRAM_TOKEN' }, chatId: '-1001234' },
        ],
        scratchSize: '5Gi',
        s3Checksums: 'when_required',
        rcloneImage: 'docker.io/rclone/rclone:1.68.2',
      },
      SUPERUSER,
      'postgres',
      // From the first storage target, with the drill's own read-only keys.
      drillOf('site', 'atLeast', { existingSecret: { name: 'drill-keys', accessKeyIdKey: 'ro-id', secretAccessKeyKey: 'ro-secret' } }),
    ),
    pvc: standalone(
      {
        method: 'dump',
        schedule: '0 3 * * *',
        retentionDays: 7,
        target: { pvc: { size: '20Gi', storageClass: 'retain', accessMode: 'ReadWriteOnce' } },
        image: 'docker.io/library/postgres:17.2',
        clientMajor: 17,
      },
      { vault: vault('/kv/postgres').vault, userKey: 'POSTGRES_USER', passwordKey: 'POSTGRES_PASSWORD' },
      'postgres',
      // From the claim: no credentials.
      drillOf('site', 'equals'),
    ),
    s3: standalone(
      {
        method: 'dump',
        schedule: '0 3 * * *',
        target: {
          s3: {
            bucket: 'pydis-backups',
            prefix: 'postgres/',
            endpoint: 'https://eu-central-1.linodeobjects.com',
            region: 'eu-central-1',
            credentials: vault('/aws/creds/pydis'),
            rcloneImage: 'docker.io/rclone/rclone:1.68.2',
            scratchSize: '10Gi',
          },
        },
      },
      SUPERUSER,
      'postgres',
      drillOf('site', 'atLeast', vault('/aws/creds/pydis-drill')),
    ),
    // The cutover to the upgraded generation: the writers are scaled back.
    cutover: standalone({ method: 'dump', target: { pvc: { size: '20Gi' } } }, SUPERUSER, 'postgres-17'),
    s3secret: standalone({
      method: 'dump',
      target: {
        s3: { bucket: 'pydis-backups', prefix: 'postgres/', endpoint: 'https://eu-central-1.linodeobjects.com', credentials: secret },
      },
    }),
  },
  markers: {
    namespace: renamed,
    'generations[].upgradeFrom.generation': 'postgres-b',
    'generations[].restoreFrom.generation': (db: Db) => {
      db.generations[2].restoreFrom = { generation: 'postgres-b', backupFile: restoreFile(db.backup.method, 'postgres-b', db.name) };
    },
    name: (db: Db) => {
      db.name = 'pydisx';
      if (db.backup.method === 'blackbox') db.generations[2].restoreFrom.backupFile = restoreFile('blackbox', 'postgres', 'pydisx');
    },
    'image.tags{}': (db: Db) => (db.image.tags['16'] = '16.5'),
    'backup<1>.target<1>.s3.prefix': 'postgres-2/',
    'generations[].postgresVersion': (db: Db, at: At) => {
      const g = db.generations[at.path[1] as number];
      g.postgresVersion = g.postgresVersion === 16 ? 15 : 16;
      if (g.upgradeFrom) db.generations[0].postgresVersion = 15;
    },
  },
  consumed: {
    ...SHARED_CONSUMED,
    'backup<0>.method': 'selects the backup variant: the other value is the other variant',
    'backup<1>.method': 'selects the backup variant: the other value is the other variant',
    'backup<0>.storage[].type': 'one value only (s3): nothing to choose',
    'backup<0>.notifiers[]<1>.type': 'selects the notifier variant (telegram): the others are the other variant',
    'consumers[].user': 'refused: every standalone consumer connects with the login in connection.secret',
    'backup<0>.clientMajor': CLIENT_MAJOR,
    'backup<1>.clientMajor': CLIENT_MAJOR,
    'generations[].restoreFrom.generation@blackbox':
      "blackbox's dumps belong to the database entry (<database>_blackbox_<date>.sql.gz in the first storage target), not to a generation: any live source reads the same file",
    'writers[].replicas@blackbox,pvc,s3,s3secret': 'read at the cutover only, to scale the writers back (base cutover)',
    'upgrade.manualSteps.afterCutover@blackbox,pvc,s3,s3secret': 'printed at the cutover only (base cutover)',
    ...tokenTtl('superuser<1>', 'backup<0>.storage[].credentials<0>', 'backup<1>.target<1>.s3.credentials<0>', 'drill.credentials<0>'),
    ...refusedDrillCredentials(
      ['keyFileSecret'],
      'the dumps are read from a bucket with S3 keys (vault or existingSecret), or from the claim with none',
    ),
  },
};
