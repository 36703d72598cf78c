/**
 * Stack schema of a standalone database (engine `standalone`): one PostgreSQL server per
 * generation, run by a single-replica StatefulSet, backed up by logical dumps (blackbox or a
 * plain `pg_dumpall | gzip` + sha512 CronJob), upgraded by dump → new server → verified import.
 *
 * @see docs/standalone.md
 */
import { z } from 'zod';
import {
  credentials,
  cron5,
  databaseBase,
  duration,
  generationBase,
  issue,
  objectName,
  postgresMajor,
  quantity,
  storage,
  vaultCredentials,
} from '../../config/schema-parts';

/** A container image reference with an explicit tag (and optionally a digest). */
export const imageRef = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?$/,
    {
      message: 'an image reference with a tag, e.g. docker.io/library/postgres:16 or ghcr.io/owl-corp/psql_extended:16',
    },
  );

/** The leading major version of an image tag (`postgres:16.4-bookworm` → 16), if it has one. */
export function tagMajor(image: string): number | undefined {
  const tag =
    image
      .replace(/@sha256:[a-f0-9]{64}$/, '')
      .split('/')
      .pop()!
      .split(':')[1] ?? '';
  const m = /^(\d+)(?:[.-]|$)/.exec(tag);
  return m ? Number(m[1]) : undefined;
}

const sqlIdentifier = z.string().regex(/^[a-z_][a-z0-9_]*$/, { message: 'a lower-case SQL identifier' });
const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: 'a Secret key: letters, digits, "-", "_" or "."' });
const labels = z.record(
  z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: 'a label key' }),
  z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, { message: 'a label value' }),
);
const cpu = z.string().regex(/^([0-9]+m|[0-9]+(\.[0-9]+)?)$/, { message: 'a CPU quantity such as 250m or 2' });

/** The server image: one repository, the tag chosen per generation's major. */
const serverImage = z
  .object({
    /** @default docker.io/library/postgres */
    repository: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/, {
        message: 'an image repository without tag, e.g. ghcr.io/owl-corp/psql_extended',
      })
      .default('docker.io/library/postgres'),
    /** Tag per major, e.g. `{ "16": "16.4-bookworm" }`. @default {} (the tag is the major, e.g. `16`) */
    tags: z
      .record(
        z.string().regex(/^\d+$/, { message: 'a major version such as "16"' }),
        z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { message: 'an image tag' }),
      )
      .default({}),
    /** @default IfNotPresent */
    pullPolicy: z.enum(['Always', 'IfNotPresent']).default('IfNotPresent'),
    /** User (and fsGroup) the image's postgres runs as: 999 in the official Debian images. @default 999 */
    runAsUser: z.number().int().min(1).max(2147483647).default(999),
  })
  .strict();

const superuserKeys = {
  /** @default POSTGRES_USER */
  userKey: secretKey.default('POSTGRES_USER'),
  /** @default POSTGRES_PASSWORD */
  passwordKey: secretKey.default('POSTGRES_PASSWORD'),
};

/**
 * Where the superuser's name and password come from: a Secret that exists (the seed's
 * `postgres-env`), or a Vault path read through the shared Vault → External Secrets construct
 * (lib/secrets/vault-credentials.ts, as the Patroni engine does) into the Secret
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

/** A Deployment that writes to the database: scaled to zero while an upgrade dumps, back after cutover. */
const writer = z
  .object({
    /** Namespace of the Deployment. */
    namespace: objectName(63),
    /** Deployment name. */
    name: objectName(253),
    /** Replicas to scale back to at cutover. */
    replicas: z.number().int().min(1).max(1000),
    /** The Deployment's pod labels (its `spec.selector.matchLabels`), to wait until its pods are gone. @default { app: <name> } */
    selector: labels.optional(),
  })
  .strict();

/** Pods, beside pgfleet's own Jobs and the writers, that may connect to port 5432. */
const peer = z
  .object({
    /** Namespace of the pods. */
    namespace: objectName(63),
    /** @default - every pod of the namespace */
    podLabels: labels.optional(),
  })
  .strict();

/** A Secret key holding a value (a webhook URL, a token). */
const secretKeyRef = z.object({ name: objectName(253), key: secretKey }).strict();

const blackboxStorage = z
  .object({
    /** Identifier in blackbox.yaml (e.g. `frankfurt_s3`). */
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'a lower-case identifier such as frankfurt_s3' }),
    /** @default s3 */
    type: z.literal('s3').default('s3'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'an S3 bucket name' }),
    /** Host name of the S3 endpoint, without scheme (blackbox prepends https://), e.g. eu-central-1.linodeobjects.com. */
    endpoint: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?$/, { message: 'a host name without scheme, e.g. eu-central-1.linodeobjects.com' }),
    credentials,
  })
  .strict();

const blackboxNotifier = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['discord', 'slack']), id: z.string().regex(/^[a-z][a-z0-9_]*$/), webhook: secretKeyRef }).strict(),
  z
    .object({
      type: z.literal('telegram'),
      id: z.string().regex(/^[a-z][a-z0-9_]*$/),
      token: secretKeyRef,
      chatId: z.string().regex(/^-?[0-9]+$/, { message: 'a Telegram chat id' }),
    })
    .strict(),
]);

/** blackbox defaults: the seed's image, whose Dockerfile installs postgresql-client-16. */
export const BLACKBOX_IMAGE = 'docker.io/lemonsaurus/blackbox:main';
export const BLACKBOX_CLIENT_MAJOR = 16;

const blackboxBackup = z
  .object({
    method: z.literal('blackbox'),
    /** @default "0 15 * * *" */
    schedule: cron5.default('0 15 * * *'),
    /** @default docker.io/lemonsaurus/blackbox:main */
    image: imageRef.default(BLACKBOX_IMAGE),
    /** PostgreSQL major of pg_dumpall in the image. @default - 16 for the default image, else the tag's leading number */
    clientMajor: postgresMajor.optional(),
    /** blackbox `retention_days`. @default 7 */
    retentionDays: z.number().int().min(1).max(3650).default(7),
    /** S3-compatible targets (blackbox `storage.s3`). */
    storage: z.array(blackboxStorage).min(1, { message: 'at least one storage target' }),
    /** @default [] */
    notifiers: z.array(blackboxNotifier).default([]),
    /** Space for one uncompressed dump in /tmp, where blackbox writes it (an emptyDir). @default 10Gi */
    scratchSize: quantity.default('10Gi'),
  })
  .strict();

const dumpTarget = z.union([
  z
    .object({
      /** A PersistentVolumeClaim `<generation>-backups` per generation, its dumps in the folder `<generation>/`. */
      pvc: z
        .object({
          /** Size of each generation's claim. */
          size: quantity,
          /** @default - the database's storage class */
          storageClass: z.string().min(1).optional(),
          /**
           * `ReadWriteMany` lets a restore Job read a source's claim on another node while that
           * source's nightly dump runs; with `ReadWriteOnce` the restore waits for the dump to end
           * (or shares its node). @default ReadWriteOnce
           */
          accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany']).default('ReadWriteOnce'),
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      /** An S3-compatible bucket, uploaded with rclone; one folder per generation below the prefix. */
      s3: z
        .object({
          bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'an S3 bucket name' }),
          /** Key prefix ending in "/". @default "" */
          prefix: z
            .string()
            .regex(/^([A-Za-z0-9!_.*'()-]+\/)*$/, { message: 'a key prefix ending in "/", e.g. pydis/postgres/' })
            .default(''),
          /** Endpoint URL, e.g. https://eu-central-1.linodeobjects.com. @default - AWS S3 */
          endpoint: z.string().url().optional(),
          /** @default - the provider's default */
          region: z
            .string()
            .regex(/^[a-z0-9-]+$/)
            .optional(),
          credentials,
          /** @default docker.io/rclone/rclone:1.68.2 */
          rcloneImage: imageRef.default('docker.io/rclone/rclone:1.68.2'),
          /** Space for one dump before upload (an emptyDir). @default 10Gi */
          scratchSize: quantity.default('10Gi'),
        })
        .strict(),
    })
    .strict(),
]);

const dumpBackup = z
  .object({
    method: z.literal('dump'),
    /** @default "0 15 * * *" */
    schedule: cron5.default('0 15 * * *'),
    /** Days a dump is kept. @default 7 */
    retentionDays: z.number().int().min(1).max(3650).default(7),
    /** Where dumps go. */
    target: dumpTarget,
    /** Client image for pg_dumpall. @default - each generation's server image */
    image: imageRef.optional(),
    /** PostgreSQL major of pg_dumpall in `image`. @default - the tag's leading number */
    clientMajor: postgresMajor.optional(),
  })
  .strict();

const standaloneGeneration = z
  .object({
    ...generationBase(['backupFile', 'latest'], { upgradeFrom: true }),
  })
  .strict();

const upgrade = z
  .object({
    /** Size of the PVC `<generation>-dump` the dump is written to. @default - the data volume's size */
    dumpSize: quantity.optional(),
    /** Image running `kubectl scale` for the writers (its entrypoint must be kubectl). @default registry.k8s.io/kubectl:v1.32.4 */
    kubectlImage: imageRef.default('registry.k8s.io/kubectl:v1.32.4'),
    /** How long scaling waits for writers' pods to stop or start. @default 10m */
    timeout: duration.default('10m'),
    /** Steps outside Kubernetes, printed by `pgfleet plan` (e.g. the maintenance page). @default { beforeDump: [], afterCutover: [] } */
    manualSteps: z
      .object({
        /** Put on the writers-down Job, done before the upgrade's `pulumi up`. @default [] */
        beforeDump: z.array(z.string().min(1)).default([]),
        /** Put on the writers-up Job, done after the cutover. @default [] */
        afterCutover: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({ beforeDump: [], afterCutover: [] }),
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
    image: serverImage.default({ repository: 'docker.io/library/postgres', tags: {}, pullPolicy: 'IfNotPresent', runAsUser: 999 }),
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
    network: z
      .object({
        /** Pods besides pgfleet's Jobs and the writers; every consumer must be among them (or a writer). @default [] */
        allowFrom: z.array(peer).default([]),
      })
      .strict()
      .default({ allowFrom: [] }),
    /** Deployments that write; an upgrade scales them to zero before the dump. @default - none; required by an upgrade */
    writers: z.array(writer).optional(),
    /** @default - see the fields */
    upgrade: upgrade.default({
      kubectlImage: 'registry.k8s.io/kubectl:v1.32.4',
      timeout: '10m',
      manualSteps: { beforeDump: [], afterCutover: [] },
    }),
    backup: z.discriminatedUnion('method', [blackboxBackup, dumpBackup]),
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
      if (g.restoreFrom && db.backup.method === 'blackbox') {
        issue(
          ctx,
          'restoreFrom with backup.method dump: blackbox writes no checksum, and pgfleet imports only verified dumps',
          'switch backup to method: dump (target pvc or s3) and restore from its dumps, or clone a live generation with upgradeFrom',
          ['generations', i, 'restoreFrom'],
        );
      }
    });
    checkClientMajor(db, gens, ctx);
  });

/**
 * pg_dumpall refuses a server of a newer major (checked since 8.4), so a backup image whose
 * client is older than the server it dumps fails every night. Caught here instead.
 */
function checkClientMajor(db: StandaloneDatabaseInput, gens: readonly GenerationInput[], ctx: z.RefinementCtx): void {
  const versionOf = (name: string, depth = 0): number => {
    const g = gens.find((x) => x.name === name);
    if (!g) return db.postgresVersion;
    if (g.postgresVersion !== undefined) return g.postgresVersion;
    if (g.restoreFrom && depth < gens.length) return versionOf(g.restoreFrom.generation, depth + 1);
    return db.postgresVersion;
  };
  const live = gens.filter((g) => !db.retired.includes(g.name));
  const b = db.backup;
  if (b.method === 'blackbox') {
    const client = b.clientMajor ?? (b.image === BLACKBOX_IMAGE ? BLACKBOX_CLIENT_MAJOR : tagMajor(b.image));
    if (client === undefined) {
      issue(
        ctx,
        `the PostgreSQL major of pg_dumpall in ${b.image}`,
        'set backup.clientMajor (the postgresql-client version the image installs)',
        ['backup', 'clientMajor'],
      );
      return;
    }
    // blackbox dumps through the application Service: the serving generation.
    const serving = db.serving ?? (live.length === 1 ? live[0].name : undefined);
    if (serving === undefined) return;
    const server = versionOf(serving);
    if (client < server) {
      issue(
        ctx,
        `a client at least as new as the server it dumps: blackbox's pg_dumpall ${client} (${b.image}) refuses ${serving}'s PostgreSQL ${server}`,
        `use a blackbox image with postgresql-client-${server} and set backup.clientMajor: ${server}`,
        ['backup', b.clientMajor !== undefined ? 'clientMajor' : 'image'],
      );
    }
    return;
  }
  if (b.image === undefined) return;
  const client = b.clientMajor ?? tagMajor(b.image);
  if (client === undefined) {
    issue(
      ctx,
      `the PostgreSQL major of pg_dumpall in ${b.image}`,
      'set backup.clientMajor, or use an image whose tag starts with the major (postgres:16)',
      ['backup', 'clientMajor'],
    );
    return;
  }
  for (const g of live) {
    const server = versionOf(g.name);
    if (client < server) {
      issue(
        ctx,
        `a client at least as new as every server it dumps: pg_dumpall ${client} (${b.image}) refuses ${g.name}'s PostgreSQL ${server}`,
        `use an image with PostgreSQL ${server} or newer (e.g. postgres:${server}), or remove backup.image to use each server's own image`,
        ['backup', b.clientMajor !== undefined ? 'clientMajor' : 'image'],
      );
    }
  }
}

interface GenerationInput {
  readonly name: string;
  readonly postgresVersion?: number;
  readonly restoreFrom?: { readonly generation: string };
  readonly upgradeFrom?: { readonly generation: string };
}

type StandaloneDatabaseInput = z.output<z.ZodObject<{ postgresVersion: typeof postgresMajor }>> & {
  readonly retired: string[];
  readonly serving?: string;
  readonly backup: z.output<typeof blackboxBackup> | z.output<typeof dumpBackup>;
};

export type StandaloneDatabaseSpec = z.output<typeof standaloneDatabase>;
export type StandaloneGenerationSpec = z.output<typeof standaloneGeneration>;
export type StandaloneBackupSpec = StandaloneDatabaseSpec['backup'];
export type BlackboxBackupSpec = z.output<typeof blackboxBackup>;
export type DumpBackupSpec = z.output<typeof dumpBackup>;
export type WriterSpec = z.output<typeof writer>;
