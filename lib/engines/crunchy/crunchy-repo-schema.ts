/**
 * The pgBackRest part of a Crunchy PGO database's stack schema: up to four repositories (volume,
 * S3, GCS or Azure) with their schedules and retention, further `[global]` options and a one-off
 * backup.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/backups
 */
import { z } from 'zod';
import { credentials, cron5, issue, objectName, quantity, vaultCredentials } from '../../config/schema-parts';

/** pgBackRest has four repository slots; PGO only accepts these names. */
export const REPO_NAMES = ['repo1', 'repo2', 'repo3', 'repo4'] as const;
export type RepoName = (typeof REPO_NAMES)[number];

/** A repository name, refused with the free slots as the fix. */
export const repoName = z.string().superRefine((v, ctx) => {
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

/** pgBackRest repositories, options and one-off backups (`spec.backups.pgbackrest`). */
export const backups = z
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
