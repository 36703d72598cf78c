/**
 * Stack schema of a Crunchy PGO database (engine `crunchy`): one `PostgresCluster`
 * (`postgres-operator.crunchydata.com/v1beta1`, served by PGO v5 and v6) per live generation,
 * with pgBackRest repositories, schedules and retention, PostgreSQL users, one-off backups,
 * point-in-time restores into a new generation, an explicitly acknowledged in-place restore, and
 * phased major upgrades through `PGUpgrade`.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/references/crd/5.8.x/postgrescluster
 */
import { z } from 'zod';
import {
  credentials,
  cron5,
  databaseBase,
  generationBase,
  issue,
  objectName,
  postgresMajor,
  quantity,
  storage,
  targetTime,
  vaultCredentials,
} from '../../config/schema-parts';

/** pgBackRest has four repository slots; PGO only accepts these names. */
export const REPO_NAMES = ['repo1', 'repo2', 'repo3', 'repo4'] as const;
export type RepoName = (typeof REPO_NAMES)[number];

const repoName = z.string().superRefine((v, ctx) => {
  if ((REPO_NAMES as readonly string[]).includes(v)) return;
  const digit = /([0-9]+)$/.exec(v)?.[1];
  issue(
    ctx,
    'repo1, repo2, repo3 or repo4: pgBackRest has four repository slots and PGO names repositories after them',
    digit !== undefined && Number(digit) > 4
      ? 'use a free slot from repo1 to repo4 (at most four repositories per cluster)'
      : 'rename it to repo1, repo2, repo3 or repo4',
  );
}) as unknown as z.ZodType<RepoName>;

/**
 * The pgBackRest `--target` value travels through a shell in PGO's restore Job
 * (`bash -xc "pgbackrest restore ${opts}"`): refuse characters a shell would interpret.
 */
const SHELL_SAFE = /^[A-Za-z0-9 _.:+/-]+$/;

/** Backup schedules of one repository; PGO turns each into a CronJob `<cluster>-<repo>-<type>`. */
const schedules = z
  .object({
    /** Full backups, e.g. `"0 2 * * *"`. @default - none */
    full: cron5.optional(),
    /** Differential backups (changes since the last full). @default - none */
    differential: cron5.optional(),
    /** Incremental backups (changes since the last backup), e.g. every 15 minutes. @default - none */
    incremental: cron5.optional(),
  })
  .strict();

/** `repoN-retention-full` and `repoN-retention-full-type`: an expired full takes its diff/incr backups and WAL with it. */
const retention = z
  .object({
    /** Full backups to keep (type `count`) or days to keep them (type `time`). */
    full: z.number().int().min(1).max(9999999),
    /** @default count */
    type: z.enum(['count', 'time']).default('count'),
  })
  .strict();

/**
 * What keeps a volume repository's bytes when its PostgresCluster is deleted. PGO owns the repo
 * PVC (owner reference), so `kubectl delete postgrescluster` deletes the claim; only a
 * PersistentVolume with reclaim policy `Retain` outlives it.
 */
export const ON_CLUSTER_DELETE = ['kept-by-storage-class', 'kept-by-pv-patch', 'deleted'] as const;

/** A repository on a PersistentVolumeClaim of the cluster's dedicated repo host (`<cluster>-<repo>`). */
const volumeRepo = z
  .object({
    /** Size of the repository volume, e.g. `20Gi`. */
    size: quantity,
    /** StorageClass of the repository volume, e.g. `netapp-file-backup`. Required: whether backups survive depends on it. */
    storageClass: z.string().min(1),
    /**
     * What keeps the backups when the cluster is deleted: `kept-by-storage-class` (the class has
     * reclaimPolicy Retain), `kept-by-pv-patch` (the bound PV is patched to Retain after creation;
     * `pgfleet plan` prints the command) or `deleted` (the backups die with the cluster: an
     * explicit choice for disposable environments).
     */
    onClusterDelete: z.enum(ON_CLUSTER_DELETE),
  })
  .strict();

/** Directory prefix below which each generation writes `<generation>/<repo>`. */
const pathPrefix = z
  .string()
  .regex(/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { message: 'an absolute path without a trailing "/", e.g. /pgbackrest/f3c07a-prod' });

const s3Repo = z
  .object({
    bucket: z.string().min(3).max(63),
    /** e.g. `s3.ca-central-1.amazonaws.com` or an S3-compatible endpoint. */
    endpoint: z.string().min(1),
    region: z.string().min(1),
    /** Access key and secret: Vault through External Secrets, or an existing Secret. */
    credentials,
    /** @default - `/pgbackrest/<namespace>` */
    pathPrefix: pathPrefix.optional(),
  })
  .strict();

/** A GCS service-account key: minted by Vault's GCP engine (`private_key_data`) or held by an existing Secret. */
const gcsCredentials = z.union([
  z.object({ vault: vaultCredentials }).strict(),
  z
    .object({
      existingSecret: z
        .object({
          name: objectName(253),
          /** Key holding the service-account JSON. @default gcs-key.json */
          key: z.string().min(1).default('gcs-key.json'),
        })
        .strict(),
    })
    .strict(),
]);

const gcsRepo = z
  .object({
    bucket: z.string().min(3).max(222),
    credentials: gcsCredentials,
    /** @default - `/pgbackrest/<namespace>` */
    pathPrefix: pathPrefix.optional(),
  })
  .strict();

const azureRepo = z
  .object({
    container: z.string().min(3).max(63),
    /**
     * The storage account (in `accessKeyIdKey`) and its shared key (in `secretAccessKeyKey`), from
     * Vault or an existing Secret.
     */
    credentials,
    /** @default - `/pgbackrest/<namespace>` */
    pathPrefix: pathPrefix.optional(),
  })
  .strict();

const REPO_KINDS = ['volume', 's3', 'gcs', 'azure'] as const;

/** One pgBackRest repository: exactly one of volume, s3, gcs or azure. */
const repo = z
  .object({
    /** `repo1` … `repo4`. */
    name: repoName,
    /** @default {} */
    schedules: schedules.default({}),
    /** Required: pgBackRest keeps every backup forever without it. */
    retention,
    /** A PersistentVolumeClaim repository (exactly one of volume, s3, gcs, azure). @default - none */
    volume: volumeRepo.optional(),
    /** An S3 bucket repository. @default - none */
    s3: s3Repo.optional(),
    /** A Google Cloud Storage repository. @default - none */
    gcs: gcsRepo.optional(),
    /** An Azure Blob container repository. @default - none */
    azure: azureRepo.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const set = REPO_KINDS.filter((k) => r[k] !== undefined);
    if (set.length !== 1) {
      issue(
        ctx,
        'exactly one of volume, s3, gcs or azure per repository',
        set.length === 0
          ? 'add where the repository lives, e.g. volume: {size: 20Gi, storageClass: ..., onClusterDelete: ...}'
          : `keep one of ${set.join(', ')}; put the other in its own repository (repo1..repo4)`,
        set.length > 1 ? [set[1]] : [],
      );
    }
  });

export type CrunchyRepoSpec = z.output<typeof repo>;

/** pgBackRest options pgfleet writes itself, or that must never be rendered into dist/. */
const GLOBAL_MANAGED = /^repo[1-4]-(path|retention-full|retention-full-type)$/;
const GLOBAL_SECRET = /(-key|-key-secret|-token|-pass|-passphrase|-key-passphrase)$/;

/** A one-off backup: changing `id` takes another one. */
const manualBackup = z
  .object({
    /** Becomes the `postgres-operator.crunchydata.com/pgbackrest-backup` annotation; change it to take another backup. */
    id: z
      .string()
      .max(63)
      .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
        message: 'letters, digits, "-", "_" and ".", e.g. 2026-11-20-before-upgrade',
      }),
    /** @default full */
    type: z.enum(['full', 'diff', 'incr']).default('full'),
    /** @default - the first repository */
    repoName: repoName.optional(),
    /** @default - the serving generation */
    generation: objectName().optional(),
  })
  .strict();

const backups = z
  .object({
    /** One to four repositories; every generation archives to each of them (at its own path). */
    repos: z.array(repo).min(1).max(4),
    /**
     * Further pgBackRest options for the `[global]` section (e.g. `repo1-retention-diff`,
     * `compress-type`). Repository paths and retention come from `repos`; credentials never go here.
     * @default {}
     */
    global: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'a pgBackRest option name such as compress-type' }), z.string())
      .default({}),
    /** Take a one-off backup now (`backups.pgbackrest.manual` + annotation). @default - none */
    manual: manualBackup.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const names = new Set<string>();
    b.repos.forEach((r, i) => {
      if (names.has(r.name))
        issue(
          ctx,
          'each repository name once',
          `give this repository a free name (${REPO_NAMES.filter((n) => !names.has(n)).join(', ')})`,
          ['repos', i, 'name'],
        );
      names.add(r.name);
    });
    for (const key of Object.keys(b.global)) {
      if (GLOBAL_MANAGED.test(key)) {
        issue(
          ctx,
          'options pgfleet does not set itself: repository paths are derived from the generation, retention comes from repos[].retention',
          `remove ${key}; set repos[].retention (or pathPrefix) instead`,
          ['global', key],
        );
      } else if (GLOBAL_SECRET.test(key)) {
        issue(
          ctx,
          'no credentials: global is rendered in clear text into dist/',
          `remove ${key}; give the repository credentials (vault or existingSecret) instead`,
          ['global', key],
        );
      }
    }
  });

/** CPU as Kubernetes writes it: `200m`, `1`, `0.5`. */
const cpu = z.string().regex(/^[0-9]+(\.[0-9]+)?m?$/, { message: 'a CPU quantity such as 200m or 1' });
const computeResources = z
  .object({
    /** @default - none */
    cpu: cpu.optional(),
    /** @default - none */
    memory: quantity.optional(),
  })
  .strict();

/** A set of PostgreSQL pods (PGO instance set). */
const instanceSet = z
  .object({
    /** Instance set name; part of every pod and PVC name. @default instance1 */
    name: z
      .string()
      .max(15)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'lower-case letters, digits and "-"' })
      .default('instance1'),
    /** Pods in the set (one primary in the cluster, the rest replicas). @default 1 */
    replicas: z.number().int().min(1).max(9).default(1),
    /** Data volume of each pod. @default - the database's storage */
    storage: storage.optional(),
    /** @default - none */
    requests: computeResources.optional(),
    /** @default - none */
    limits: computeResources.optional(),
  })
  .strict();

/** A PostgreSQL role PGO creates; its credentials land in Secret `<cluster>-pguser-<name>`. */
const user = z
  .object({
    /** Role name; part of the Secret name. */
    name: z
      .string()
      .max(63)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'lower-case letters, digits and "-" (PGO puts it into a Secret name)' }),
    /** Databases the role may connect to and create objects in; the first one is in the Secret's `uri`. @default [] */
    databases: z.array(z.string().min(1).max(63)).default([]),
    /** `ALTER ROLE` options, e.g. `CREATEDB`. @default - none */
    options: z
      .string()
      .max(200)
      .superRefine((v, ctx) => {
        if (v.includes(';')) issue(ctx, 'role options without ";"', 'remove the ";": PGO refuses it');
        if (/PASSWORD/i.test(v)) issue(ctx, 'role options without PASSWORD: PGO generates the password', 'remove PASSWORD ...');
        if (/--|\/\*|\*\//.test(v)) issue(ctx, 'role options without SQL comments', 'remove the comment');
      })
      .optional(),
    /** Characters of the generated password. @default - PGO's ASCII */
    passwordType: z.enum(['ASCII', 'AlphaNumeric']).optional(),
  })
  .strict();

/** Which pgBackRest target kinds pgfleet renders (`--type=time|lsn|name`, or none for the end of WAL). */
const TARGET_FIELDS = ['targetTime', 'targetLSN', 'targetName'] as const;

/**
 * In-place restore of a live generation (`backups.pgbackrest.restore` + annotation
 * `postgres-operator.crunchydata.com/pgbackrest-restore`): PGO stops the cluster and overwrites its
 * data. Requires `destroys-data:<generation>` in the database's acknowledge list.
 */
const restoreInPlace = z
  .object({
    /** Becomes the `pgbackrest-restore` annotation; change it to restore again. */
    id: z
      .string()
      .max(63)
      .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: 'letters, digits, "-", "_" and "."' }),
    /** @default - the first repository */
    repoName: repoName.optional(),
    /** Stop at this instant (explicit offset). @default - replay all WAL */
    targetTime: targetTime.optional(),
    /** Stop at this WAL location. @default - none */
    targetLSN: z
      .string()
      .regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, { message: 'a WAL location such as 0/3000060' })
      .optional(),
    /** Stop at this restore point. @default - none */
    targetName: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const set = TARGET_FIELDS.filter((f) => r[f] !== undefined);
    if (set.length > 1)
      issue(ctx, 'one recovery target at most: targetTime, targetLSN or targetName', `keep one of ${set.join(', ')}`, [set[1]]);
    if (r.targetName !== undefined && !SHELL_SAFE.test(r.targetName)) {
      issue(
        ctx,
        'a restore point name of letters, digits, space, "_", ".", ":", "+", "/" and "-": PGO passes it through a shell',
        'rename the restore point',
        ['targetName'],
      );
    }
  });

/** pg_upgrade file transfer methods PGUpgrade accepts. */
export const TRANSFER_METHODS = ['Copy', 'Link', 'Clone', 'CopyFileRange'] as const;

/**
 * A major upgrade in two phases (PGO's `PGUpgrade`): `prepare` renders the PGUpgrade, the
 * `allow-upgrade` annotation and `shutdown: true` (PGO then runs pg_upgrade); `complete` starts
 * the cluster on `to` (`postgresVersion: <to>`, `shutdown: false`). Afterwards set the
 * generation's postgresVersion to `to` and remove `upgrade`.
 */
const upgrade = z
  .object({
    /** The new major version. */
    to: postgresMajor,
    /** `prepare`, then (after the PGUpgrade succeeded) `complete`. */
    phase: z.enum(['prepare', 'complete']),
    /** The `crunchy-upgrade` image. @default - PGO's RELATED_IMAGE_PGUPGRADE */
    image: z.string().min(1).optional(),
    /**
     * pg_upgrade's transfer method: `Copy` needs room for a second copy of the data on the data
     * volume; `Link` needs none, but once pg_upgrade has run the old data directory no longer starts.
     * @default - PGO's choice (PGO releases before this field always ran pg_upgrade --link)
     */
    transferMethod: z.enum(TRANSFER_METHODS).optional(),
    /** pg_upgrade `--jobs`. @default 1 */
    jobs: z.number().int().min(1).max(64).optional(),
    /** PostgreSQL image of the new major, required when the generation pins `image`. @default - PGO's RELATED_IMAGE_POSTGRES_<to> */
    postgresImage: z.string().min(1).optional(),
  })
  .strict();

const crunchyGeneration = z
  .object({
    ...generationBase(['time', 'lsn', 'name', 'latest']),
    /** Repository of the source generation the restore reads. @default - the first repository */
    restoreRepo: repoName.optional(),
    /** PostgreSQL image. @default - PGO's RELATED_IMAGE_POSTGRES_<postgresVersion> */
    image: z.string().min(1).optional(),
    /** Major upgrade of this generation in place, phase by phase. @default - none */
    upgrade: upgrade.optional(),
    /** Overwrite this generation's data from its own backups (destructive). @default - none */
    restoreInPlace: restoreInPlace.optional(),
  })
  .strict()
  .superRefine((g, ctx) => {
    const name = g.restoreFrom?.targetName;
    if (name !== undefined && !SHELL_SAFE.test(name)) {
      issue(
        ctx,
        'a restore point name of letters, digits, space, "_", ".", ":", "+", "/" and "-": PGO passes it through a shell',
        'rename the restore point',
        ['restoreFrom', 'targetName'],
      );
    }
    if (g.upgrade && g.restoreFrom) {
      issue(
        ctx,
        'upgrade on a generation that is not being restored: a restore replays WAL of the source major',
        'let the restore finish and remove restoreFrom, then upgrade in a later change',
        ['upgrade'],
      );
    }
    if (g.upgrade && g.restoreInPlace) {
      issue(ctx, 'upgrade or restoreInPlace, not both', 'finish one change before starting the other', ['restoreInPlace']);
    }
    if (g.restoreRepo !== undefined && g.restoreFrom === undefined) {
      issue(ctx, 'restoreRepo only with restoreFrom', 'remove restoreRepo, or add restoreFrom', ['restoreRepo']);
    }
    const u = g.upgrade;
    if (u?.transferMethod === 'CopyFileRange' && u.to < 17) {
      issue(ctx, 'Copy, Link or Clone below PostgreSQL 17 (CopyFileRange needs pg_upgrade 17)', 'choose Copy, Link or Clone', [
        'upgrade',
        'transferMethod',
      ]);
    }
    if (u && g.image !== undefined && u.postgresImage === undefined) {
      issue(
        ctx,
        `upgrade.postgresImage: this generation pins image ${g.image}, which runs the old major`,
        `add upgrade.postgresImage with a PostgreSQL ${u.to} image`,
        ['upgrade', 'postgresImage'],
      );
    }
  });

export type CrunchyGenerationSpec = z.output<typeof crunchyGeneration>;

/** Pods that may open connections to the database (port 5432). */
const networkPolicy = z
  .object({
    /** Label sets of client pods, e.g. `[{name: api}]`. */
    clients: z
      .array(
        z.record(z.string().min(1), z.string()).superRefine((labels, ctx) => {
          if (Object.keys(labels).length === 0)
            issue(
              ctx,
              'at least one label: an empty selector admits every pod of the namespace',
              "name the client pods' labels, e.g. {name: api}",
            );
        }),
      )
      .min(1),
  })
  .strict();

/** postgresql.conf parameters that PGO owns (archiving, recovery, replication). */
const PGO_PARAMETERS =
  /^(archive_command|archive_mode|restore_command|recovery_target.*|primary_conninfo|primary_slot_name|hot_standby|data_directory|port|listen_addresses|unix_socket_.*|ssl.*)$/;

/** A Crunchy PGO database: one PostgresCluster per live generation. */
export const crunchyDatabase = z
  .object({
    ...databaseBase,
    engine: z.literal('crunchy'),
    /** Generations (PostgresClusters) of this database. @default - one generation named after the database */
    generations: z.array(crunchyGeneration).min(1).optional(),
    /** Data volume of each PostgreSQL pod. */
    storage,
    /** Instance sets. @default [{name: instance1, replicas: 1}] */
    instances: z
      .array(instanceSet)
      .min(1)
      .max(16)
      .default([{ name: 'instance1', replicas: 1 }]),
    /** Roles PGO creates. Required: PGO's default role is named after the cluster, which changes with every generation. */
    users: z.array(user).min(1).max(64),
    /** postgresql.conf parameters (Patroni dynamic configuration). @default {} */
    parameters: z.record(z.string(), z.string()).default({}),
    /** pgBackRest repositories, options and one-off backups. */
    backups,
    /** Render a NetworkPolicy admitting only these clients (and the database's own pods). @default - none */
    networkPolicy: networkPolicy.optional(),
  })
  .strict()
  .superRefine((db, ctx) => {
    const gens = db.generations ?? [{ name: db.name } as CrunchyGenerationSpec];
    const genPath = (i: number, ...rest: (string | number)[]) => (db.generations ? ['generations', i, ...rest] : rest);
    const repoNames = db.backups.repos.map((r) => r.name);
    const live = gens.filter((g) => !db.retired.includes(g.name)).map((g) => g.name);
    const ack = new Set(db.acknowledge);

    // Consumers: each reads `<cluster>-pguser-<user>`, which PGO writes with a uri only for a user with a database.
    const users = new Map(db.users.map((u) => [u.name, u]));
    db.consumers.forEach((c, i) => {
      const name = c.user ?? db.users[0].name;
      const u = users.get(name);
      if (!u) {
        issue(ctx, `a user of this database: ${[...users.keys()].join(', ')}`, 'name a user listed in users, or add it there', [
          'consumers',
          i,
          'user',
        ]);
      } else if (u.databases.length === 0) {
        issue(
          ctx,
          `a user with at least one database: PGO writes the "uri" key of <cluster>-pguser-${name} only then`,
          `add databases: [...] to user ${name}`,
          ['consumers', i, 'user'],
        );
      }
    });
    db.users.forEach((u, i) => {
      if (db.users.findIndex((x) => x.name === u.name) !== i) issue(ctx, 'each user once', 'merge the two entries', ['users', i, 'name']);
    });
    db.instances.forEach((s, i) => {
      if (db.instances.findIndex((x) => x.name === s.name) !== i)
        issue(ctx, 'each instance set name once', 'rename one of them', ['instances', i, 'name']);
    });
    for (const key of Object.keys(db.parameters)) {
      if (PGO_PARAMETERS.test(key))
        issue(ctx, 'parameters PGO does not manage itself (archiving, recovery, replication, TLS, listening)', `remove ${key}`, [
          'parameters',
          key,
        ]);
    }

    const manual = db.backups.manual;
    if (manual?.repoName !== undefined && !repoNames.includes(manual.repoName)) {
      issue(ctx, `a repository of this database: ${repoNames.join(', ')}`, 'name a repository listed in backups.repos', [
        'backups',
        'manual',
        'repoName',
      ]);
    }
    if (manual?.generation !== undefined && !live.includes(manual.generation)) {
      issue(ctx, `a live generation: ${live.join(', ')}`, 'name a generation listed in generations and not retired', [
        'backups',
        'manual',
        'generation',
      ]);
    }

    gens.forEach((g, i) => {
      if (g.restoreRepo !== undefined && !repoNames.includes(g.restoreRepo)) {
        issue(
          ctx,
          `a repository of this database: ${repoNames.join(', ')}`,
          'name a repository listed in backups.repos',
          genPath(i, 'restoreRepo'),
        );
      }
      if (g.restoreInPlace) {
        const phrase = `destroys-data:${g.name}`;
        if (g.restoreInPlace.repoName !== undefined && !repoNames.includes(g.restoreInPlace.repoName)) {
          issue(
            ctx,
            `a repository of this database: ${repoNames.join(', ')}`,
            'name a repository listed in backups.repos',
            genPath(i, 'restoreInPlace', 'repoName'),
          );
        }
        if (!ack.has(phrase)) {
          issue(
            ctx,
            `an in-place restore only when acknowledged: PGO stops ${g.name} and overwrites its data with the restored backup`,
            `add "${phrase}" to acknowledge; or restore into a new generation with restoreFrom, which leaves ${g.name} untouched`,
            genPath(i, 'restoreInPlace'),
          );
        }
      }
      if (g.upgrade) {
        const from = g.postgresVersion ?? db.postgresVersion;
        if (g.upgrade.to <= from) {
          issue(
            ctx,
            `a major above ${from}, the version ${g.name} runs now`,
            `set upgrade.to above ${from}, or remove upgrade`,
            genPath(i, 'upgrade', 'to'),
          );
        }
      }
      const source = g.restoreFrom ? gens.find((s) => s.name === g.restoreFrom!.generation) : undefined;
      if (source?.upgrade) {
        issue(
          ctx,
          `a source generation that is not being upgraded (${source.name} is in phase ${source.upgrade.phase}: shut down or on a new major)`,
          `finish the upgrade of ${source.name} (postgresVersion: ${source.upgrade.to}, remove upgrade) first, or restore from another generation`,
          genPath(i, 'restoreFrom', 'generation'),
        );
      }
    });
  });

export type CrunchyDatabaseSpec = z.output<typeof crunchyDatabase>;
