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
  /** @default POSTGRES_USER */
  userKey: secretKey.default('POSTGRES_USER'),
  /** @default POSTGRES_PASSWORD */
  passwordKey: secretKey.default('POSTGRES_PASSWORD'),
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
      /** An existing Secret in the database's namespace. */
      secretName: objectName(253),
      ...superuserKeys,
    })
    .strict(),
  z
    .object({
      /** A Vault path returning both keys at the top level of its data (a KV version 1 mount, e.g. `/secret/pydis/postgres`). */
      vault: vaultCredentials,
      ...superuserKeys,
    })
    .strict(),
]);

/** The data volume: a StorageClass with reclaimPolicy Retain, so the PV outlives its claim. */
const standaloneStorage = storage
  .extend({
    /** @default ReadWriteOncePod (no second pod can ever mount the data) */
    accessMode: z.enum(['ReadWriteOncePod', 'ReadWriteOnce']).default('ReadWriteOncePod'),
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
    /** @default - unset */
    cpu: cpu.optional(),
    /** @default - unset */
    memory: quantity.optional(),
  })
  .strict();

const resources = z
  .object({
    /** @default { cpu: 250m, memory: 1Gi } */
    requests: resourceList.default({ cpu: '250m', memory: '1Gi' }),
    /** @default {} (no limits) */
    limits: resourceList.default({}),
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
    engine: z.literal('standalone'),
    /** Generations (servers) of this database. @default - one generation named after the database */
    generations: z.array(standaloneGeneration).min(1).optional(),
    /** @default { repository: docker.io/library/postgres } */
    image: serverImageSettings.default({ repository: 'docker.io/library/postgres', tags: {}, pullPolicy: 'IfNotPresent', runAsUser: 999 }),
    superuser,
    storage: standaloneStorage,
    /** Size of the memory-backed /dev/shm. @default 1Gi */
    sharedMemory: quantity.default('1Gi'),
    /** postgresql.conf parameters (`listen_addresses = '*'` is added unless set). @default {} */
    parameters,
    /** @default { requests: { cpu: 250m, memory: 1Gi } } */
    resources: resources.default({ requests: { cpu: '250m', memory: '1Gi' }, limits: {} }),
    /** What consumers connect with. @default { database: postgres } (and no login: required with consumers) */
    connection: z
      .object({
        /** @default postgres */
        database: sqlIdentifier.default('postgres'),
        /**
         * An existing Secret with the application's own login (least privilege: never the
         * superuser's). @default - none; required when `consumers` are listed
         */
        secret: z
          .object({
            /** Secret in the database's namespace. */
            name: objectName(253),
            /** @default username */
            userKey: secretKey.default('username'),
            /** @default password */
            passwordKey: secretKey.default('password'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ database: 'postgres' }),
    /** Who else may connect (writers and pgfleet's Jobs always may). @default { allowFrom: [] } */
    network: network.default({ allowFrom: [] }),
    /** Deployments that write; an upgrade scales them to zero before the dump. @default - none; required by an upgrade */
    writers: z.array(writer).optional(),
    /** @default - see the fields */
    upgrade: upgrade.default({
      kubectlImage: 'registry.k8s.io/kubectl:v1.32.4',
      timeout: '10m',
      manualSteps: { beforeDump: [], afterCutover: [] },
    }),
    backup,
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
