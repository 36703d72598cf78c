/**
 * Stack schema of a standalone database (engine `standalone`): one PostgreSQL server per
 * generation, run by a single-replica StatefulSet, backed up by logical dumps (blackbox or a
 * plain `pg_dumpall | gzip` + sha512 CronJob), upgraded by dump → new server → verified import.
 *
 * @see docs/standalone.md
 */
import { z } from 'zod';
import { generationBase } from '../../config/generation-base';
import { databaseBase, issue, objectName, quantity, storage, vaultCredentials } from '../../config/schema-parts';
import { backup, checkClientMajor } from './standalone-backup-schema';
import { serverImageSettings } from './standalone-image-schema';
import { network } from './standalone-network-schema';
import { type GenerationInput, secretKey } from './standalone-schema-parts';
import { blackboxDatabaseId } from './blackbox-config';
import { upgrade, writer } from './standalone-upgrade-schema';

const sqlIdentifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, { message: 'a lower-case SQL identifier' });
const cpu = z.string().regex(/^([0-9]+m|[0-9]+(\.[0-9]+)?)$/, { message: 'a CPU quantity such as 250m or 2' });

const superuserKeys = {
  userKey: secretKey.default('POSTGRES_USER').meta({ description: "Key of the superuser's name.", examples: ['username'] }),
  passwordKey: secretKey.default('POSTGRES_PASSWORD').meta({ description: "Key of the superuser's password.", examples: ['password'] }),
};

/**
 * Where the superuser's name and password come from: a Secret that exists (the seed's
 * `postgres-env`), or a Vault path read through the shared Vault → External Secrets construct
 * (lib/constructs/vault-credentials.ts, as the Patroni engine does) into the Secret
 * `<database>-superuser`. Every generation, Job and blackbox read that one Secret.
 */
const superuser = z.union([
  z
    .object({
      secretName: objectName(253).meta({ description: "An existing Secret in the database's namespace.", examples: ['postgres-env'] }),
      ...superuserKeys,
    })
    .strict(),
  z
    .object({
      vault: vaultCredentials.meta({
        description: 'A Vault path returning both keys at the top level of its data (a KV version 1 mount, e.g. `/secret/pydis/postgres`).',
      }),
      ...superuserKeys,
    })
    .strict(),
]);

/** The data volume: a StorageClass with reclaimPolicy Retain, so the PV outlives its claim. */
const standaloneStorage = storage
  .extend({
    storageClass: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: 'StorageClass with reclaimPolicy Retain: the volume is the only copy. Required (synth refuses none). Default: none.',
        examples: ['linode-block-storage-retain'],
      }),
    accessMode: z
      .enum(['ReadWriteOncePod', 'ReadWriteOnce'])
      .default('ReadWriteOncePod')
      .meta({ description: 'Access mode of the claim: with `ReadWriteOncePod` no second pod can ever mount the data.' }),
  })
  .strict();

/** Parameters pgfleet places itself (paths and the port the Service and probes use). */
export const RESERVED_PARAMETERS = ['port', 'data_directory', 'config_file', 'hba_file', 'ident_file', 'unix_socket_directories'] as const;

const parameters = z
  .record(
    z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, { message: 'a postgresql.conf parameter name such as shared_buffers' }),
    z.union([z.string().regex(/^[^\n\r]*$/, { message: 'a single-line value' }), z.number(), z.boolean()]),
  )
  .default({});

const resourceList = z
  .object({
    cpu: cpu.optional().meta({ description: 'CPU. Default: unset.', examples: ['500m'] }),
    memory: quantity.optional().meta({ description: 'Memory. Default: unset.', examples: ['2Gi'] }),
  })
  .strict();

const resources = z
  .object({
    requests: resourceList.default({ cpu: '250m', memory: '1Gi' }).meta({ description: 'Resource requests of the server.' }),
    limits: resourceList.default({}).meta({ description: 'Resource limits of the server; `{}` sets none.' }),
  })
  .strict();
const standaloneGeneration = z
  .object({
    ...generationBase(['backupFile', 'latest'], { upgradeFrom: true }),
  })
  .strict();
/** A standalone PostgreSQL database: one server per generation, a stable Service for applications. */
export const standaloneDatabase = z
  .object({
    ...databaseBase,
    engine: z.literal('standalone').meta({ description: 'Standalone: one PostgreSQL StatefulSet per live generation.' }),
    generations: z
      .array(standaloneGeneration)
      .min(1)
      .optional()
      .meta({ description: 'Generations (servers) of this database. Default: one generation named after the database.' }),
    image: serverImageSettings
      .default({ repository: 'docker.io/library/postgres', tags: {}, pullPolicy: 'IfNotPresent', runAsUser: 999 })
      .meta({ description: "The server image: one repository, the tag chosen per generation's major." }),
    superuser: superuser.meta({ description: "Where the superuser's name and password come from: a Secret that exists, or Vault." }),
    storage: standaloneStorage.meta({ description: 'The data volume of each server.' }),
    sharedMemory: quantity.default('1Gi').meta({ description: 'Size of the memory-backed /dev/shm.', examples: ['2Gi'] }),
    parameters: parameters.meta({
      description: "postgresql.conf parameters (`listen_addresses = '*'` is added unless set).",
      examples: [{ max_connections: 110, shared_buffers: '1536MB' }],
    }),
    resources: resources
      .default({ requests: { cpu: '250m', memory: '1Gi' }, limits: {} })
      .meta({ description: 'Resources of the server container.' }),
    connection: z
      .object({
        database: sqlIdentifier.default('postgres').meta({ description: 'Database consumers connect to.', examples: ['site'] }),
        secret: z
          .object({
            name: objectName(253).meta({ description: "Secret in the database's namespace.", examples: ['site-db-login'] }),
            userKey: secretKey.default('username').meta({ description: "Key of the login's name.", examples: ['DB_USER'] }),
            passwordKey: secretKey.default('password').meta({ description: "Key of the login's password.", examples: ['DB_PASSWORD'] }),
          })
          .strict()
          .optional()
          .meta({
            description:
              "An existing Secret with the application's own login (least privilege: never the superuser's). Default: none; required when `consumers` are listed.",
          }),
      })
      .strict()
      .default({ database: 'postgres' })
      .meta({ description: 'What consumers connect with: the database, and the login (required with consumers).' }),
    network: network.default({ allowFrom: [] }).meta({ description: "Who else may connect (writers and pgfleet's Jobs always may)." }),
    writers: z.array(writer).optional().meta({
      description: 'Deployments that write; an upgrade scales them to zero before the dump. Default: none; required by an upgrade.',
    }),
    upgrade: upgrade
      .default({
        kubectlImage: 'registry.k8s.io/kubectl:v1.32.4',
        timeout: '10m',
        manualSteps: { beforeDump: [], afterCutover: [] },
      })
      .meta({ description: 'How an upgrade dumps and scales the writers.' }),
    backup: backup.meta({ description: "Nightly logical dumps: blackbox, or pgfleet's own `pg_dumpall` dumps." }),
  })
  .strict()
  .superRefine((db, ctx) => {
    if (db.storage.storageClass === undefined) {
      issue(
        ctx,
        'a StorageClass with reclaimPolicy Retain: a standalone server has no replica, its volume is the only copy',
        'set storage.storageClass (e.g. linode-block-storage-retain)',
        ['storage', 'storageClass'],
      );
    }
    for (const key of Object.keys(db.parameters)) {
      if ((RESERVED_PARAMETERS as readonly string[]).includes(key)) {
        issue(
          ctx,
          `parameters other than ${RESERVED_PARAMETERS.join(', ')}: pgfleet sets paths, and the Service and probes use port 5432`,
          `remove ${key}`,
          ['parameters', key],
        );
      }
    }
    for (const [tagMajorKey, tag] of Object.entries(db.image.tags)) {
      const m = /^(\d+)(?:[.-]|$)/.exec(tag);
      if (m && m[1] !== tagMajorKey) {
        issue(ctx, `a tag of PostgreSQL ${tagMajorKey} for major ${tagMajorKey}`, `the tag says ${m[1]}: fix the tag or its key`, [
          'image',
          'tags',
          tagMajorKey,
        ]);
      }
    }
    // Consumers get a DATABASE_URL with the login in connection.secret: the superuser is never handed out.
    if (db.consumers.length > 0 && db.connection.secret === undefined) {
      issue(
        ctx,
        `the application's own login for the consumers (${db.consumers.map((c) => c.app).join(', ')}): their DATABASE_URL would otherwise carry the superuser, who may read and drop every database`,
        'create a login role for the application (CREATE ROLE ... LOGIN, GRANTs on its database) and a Secret with its username and password, then set connection.secret: { name: <secret> }',
        ['connection', 'secret'],
      );
    }
    db.consumers.forEach((c, i) => {
      if (c.user !== undefined) {
        issue(
          ctx,
          'no user: every standalone consumer connects with the login in connection.secret',
          'remove user (one database entry has one application login)',
          ['consumers', i, 'user'],
        );
      }
    });
    const seenWriters = new Set<string>();
    (db.writers ?? []).forEach((w, i) => {
      const key = `${w.namespace}/${w.name}`;
      if (seenWriters.has(key)) issue(ctx, 'each Deployment listed once', `remove the second ${key}`, ['writers', i]);
      seenWriters.add(key);
    });

    const gens = (db.generations ?? [{ name: db.name }]) as readonly GenerationInput[];
    gens.forEach((g, i) => {
      if (g.upgradeFrom && db.writers === undefined) {
        issue(
          ctx,
          `a list of the Deployments that write to ${db.name} (writers), scaled to zero before ${g.name} dumps ${g.upgradeFrom.generation}: writes after the dump would be lost`,
          'add writers: [{ namespace, name, replicas }] for every application that writes (the seed: site, metricity, bitwarden, ...), or writers: [] if none does',
          ['writers'],
        );
      }
      const file = (g.restoreFrom as { backupFile?: string } | undefined)?.backupFile;
      if (file !== undefined && db.backup.method === 'blackbox') {
        // blackbox writes `<id>_blackbox_<date>.sql` and gzips it on upload (storage/s3.py), at the bucket's root.
        const id = blackboxDatabaseId(db.name);
        if (!new RegExp(`^${id}_blackbox_[^/]+\\.sql\\.gz$`).test(file)) {
          issue(
            ctx,
            `a dump blackbox uploaded for ${db.name}: ${id}_blackbox_<DD_MM_YYYY>.sql.gz at the root of the bucket of ${db.backup.storage[0].id}`,
            `name one of its files (e.g. ${id}_blackbox_20_11_2026.sql.gz), or remove backupFile for the newest`,
            ['generations', i, 'restoreFrom', 'backupFile'],
          );
        }
      }
    });
    checkClientMajor(db, gens, ctx);
  });
export type StandaloneDatabaseSpec = z.output<typeof standaloneDatabase>;
export type StandaloneGenerationSpec = z.output<typeof standaloneGeneration>;
export type StandaloneBackupSpec = StandaloneDatabaseSpec['backup'];
export type BlackboxBackupSpec = Extract<StandaloneBackupSpec, { method: 'blackbox' }>;
export type DumpBackupSpec = Extract<StandaloneBackupSpec, { method: 'dump' }>;
export type WriterSpec = NonNullable<StandaloneDatabaseSpec['writers']>[number];
