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
    full: cron5.optional().meta({ description: 'Full backups. Default: none.', examples: ['0 2 * * *'] }),
    differential: cron5
      .optional()
      .meta({ description: 'Differential backups (changes since the last full). Default: none.', examples: ['0 14 * * *'] }),
    incremental: cron5
      .optional()
      .meta({ description: 'Incremental backups (changes since the last backup). Default: none.', examples: ['*/15 * * * *'] }),
  })
  .strict();

/** `repoN-retention-full` and `repoN-retention-full-type`: an expired full takes its diff/incr backups and WAL with it. */
const retention = z
  .object({
    full: z
      .number()
      .int()
      .min(1)
      .max(9999999)
      .meta({ description: 'Full backups to keep (type `count`) or days to keep them (type `time`).', examples: [4] }),
    type: z
      .enum(['count', 'time'])
      .default('count')
      .meta({ description: '`count`: `full` is a number of full backups; `time`: a number of days.' }),
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
    size: quantity.meta({ description: 'Size of the repository volume.', examples: ['20Gi'] }),
    storageClass: z
      .string()
      .min(1)
      .meta({
        description: 'StorageClass of the repository volume. Required: whether backups survive depends on it.',
        examples: ['netapp-file-backup'],
      }),
    onClusterDelete: z.enum(ON_CLUSTER_DELETE).meta({
      description:
        'What keeps the backups when the cluster is deleted: `kept-by-storage-class` (the class has reclaimPolicy Retain), `kept-by-pv-patch` (the bound PV is patched to Retain after creation; `pgfleet plan` prints the command) or `deleted` (the backups die with the cluster: an explicit choice for disposable environments).',
    }),
  })
  .strict();

/** Directory prefix below which each generation writes `<generation>/<repo>`. */
const pathPrefix = z
  .string()
  .regex(/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { message: 'an absolute path without a trailing "/", e.g. /pgbackrest/f3c07a-prod' })
  .optional()
  .meta({
    description: 'Directory below which each generation writes `<generation>/<repo>`. Default: `/pgbackrest/<namespace>`.',
    examples: ['/pgbackrest/f3c07a-prod'],
  });

const s3Repo = z
  .object({
    bucket: z
      .string()
      .min(3)
      .max(63)
      .meta({ description: 'The S3 bucket.', examples: ['f3c07a-prod-backups'] }),
    endpoint: z
      .string()
      .min(1)
      .meta({ description: 'The S3 endpoint, AWS or S3-compatible, without scheme.', examples: ['s3.ca-central-1.amazonaws.com'] }),
    region: z
      .string()
      .min(1)
      .meta({ description: 'The bucket region.', examples: ['ca-central-1'] }),
    credentials: credentials.meta({ description: 'Access key and secret: Vault through External Secrets, or an existing Secret.' }),
    pathPrefix,
  })
  .strict();

/** A GCS service-account key: minted by Vault's GCP engine (`private_key_data`) or held by an existing Secret. */
const gcsCredentials = z.union([
  z.object({ vault: vaultCredentials.meta({ description: "A service-account key minted by Vault's GCP secrets engine." }) }).strict(),
  z
    .object({
      existingSecret: z
        .object({
          name: objectName(253).meta({ description: "Name of the Secret, in the database's namespace.", examples: ['gcs-backup-key'] }),
          key: z
            .string()
            .min(1)
            .default('gcs-key.json')
            .meta({ description: 'Key holding the service-account JSON.', examples: ['key.json'] }),
        })
        .strict()
        .meta({ description: 'A Secret that exists in the namespace, holding the service-account key.' }),
    })
    .strict(),
]);

const gcsRepo = z
  .object({
    bucket: z
      .string()
      .min(3)
      .max(222)
      .meta({ description: 'The GCS bucket.', examples: ['f3c07a-prod-backups'] }),
    credentials: gcsCredentials.meta({ description: 'The service-account key: Vault through External Secrets, or an existing Secret.' }),
    pathPrefix,
  })
  .strict();

const azureRepo = z
  .object({
    container: z
      .string()
      .min(3)
      .max(63)
      .meta({ description: 'The Azure Blob container.', examples: ['pgbackrest'] }),
    credentials: credentials.meta({
      description:
        'The storage account (in `accessKeyIdKey`) and its shared key (in `secretAccessKeyKey`), from Vault or an existing Secret.',
    }),
    pathPrefix,
  })
  .strict();

const REPO_KINDS = ['volume', 's3', 'gcs', 'azure'] as const;

/** One pgBackRest repository: exactly one of volume, s3, gcs or azure. */
const repo = z
  .object({
    name: repoName.meta({ description: 'The pgBackRest repository slot: `repo1` … `repo4`.', examples: ['repo1'] }),
    schedules: schedules
      .default({})
      .meta({ description: 'Backup schedules of the repository; PGO turns each into a CronJob `<cluster>-<repo>-<type>`.' }),
    retention: retention.meta({ description: 'Required: pgBackRest keeps every backup forever without it.' }),
    volume: volumeRepo
      .optional()
      .meta({ description: 'A PersistentVolumeClaim repository (exactly one of volume, s3, gcs, azure). Default: none.' }),
    s3: s3Repo.optional().meta({ description: 'An S3 bucket repository. Default: none.' }),
    gcs: gcsRepo.optional().meta({ description: 'A Google Cloud Storage repository. Default: none.' }),
    azure: azureRepo.optional().meta({ description: 'An Azure Blob container repository. Default: none.' }),
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
    id: z
      .string()
      .max(63)
      .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, {
        message: 'letters, digits, "-", "_" and ".", e.g. 2026-11-20-before-upgrade',
      })
      .meta({
        description: 'Becomes the `postgres-operator.crunchydata.com/pgbackrest-backup` annotation; change it to take another backup.',
        examples: ['2026-11-20-before-upgrade'],
      }),
    type: z.enum(['full', 'diff', 'incr']).default('full').meta({ description: 'The pgBackRest backup type.' }),
    repoName: repoName
      .optional()
      .meta({ description: 'Repository the backup goes to. Default: the first repository.', examples: ['repo2'] }),
    generation: objectName()
      .optional()
      .meta({ description: 'Generation that is backed up. Default: the serving generation.', examples: ['jobstore-pg17'] }),
  })
  .strict();

/** pgBackRest repositories, options and one-off backups (`spec.backups.pgbackrest`). */
export const backups = z
  .object({
    repos: z
      .array(repo)
      .min(1)
      .max(4)
      .meta({ description: 'One to four repositories; every generation archives to each of them (at its own path).' }),
    global: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'a pgBackRest option name such as compress-type' }), z.string())
      .default({})
      .meta({
        description:
          'Further pgBackRest options for the `[global]` section (e.g. `repo1-retention-diff`, `compress-type`). Repository paths and retention come from `repos`; credentials never go here.',
        examples: [{ 'compress-type': 'zst' }],
      }),
    manual: manualBackup
      .optional()
      .meta({ description: 'Take a one-off backup now (`backups.pgbackrest.manual` + annotation). Default: none.' }),
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
