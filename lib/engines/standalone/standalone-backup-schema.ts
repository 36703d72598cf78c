/**
 * The backup part of a standalone database's stack schema: blackbox to S3-compatible storage, or
 * pgfleet's own `pg_dumpall | gzip` + sha512 dumps to a PVC or a bucket, and the check that each
 * backup's client can dump the servers it is given.
 *
 * @see docs/standalone.md
 */
import { z } from 'zod';
import { credentials, cron5, issue, objectName, postgresMajor, quantity } from '../../config/schema-parts';
import { imageRef, tagMajor } from './standalone-image-schema';
import { type GenerationInput, secretKey } from './standalone-schema-parts';

/** A Secret key holding a value (a webhook URL, a token). */
const secretKeyRef = z
  .object({
    name: objectName(253).meta({ description: "Name of the Secret, in the database's namespace.", examples: ['blackbox-env'] }),
    key: secretKey.meta({ description: 'Key of the Secret holding the value.', examples: ['DEVOPS_WEBHOOK'] }),
  })
  .strict();
const notifierId = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/)
  .meta({ description: 'Identifier of the notifier in blackbox.yaml.', examples: ['dev_ops'] });

const blackboxStorage = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, { message: 'a lower-case identifier such as frankfurt_s3' })
      .meta({ description: 'Identifier in blackbox.yaml.', examples: ['frankfurt_s3'] }),
    type: z.literal('s3').default('s3').meta({ description: 'Kind of storage: `s3`, the only one pgfleet renders.' }),
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'an S3 bucket name' })
      .meta({ description: 'The bucket dumps are uploaded to (at its root).', examples: ['pydis-backups'] }),
    endpoint: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?$/, { message: 'a host name without scheme, e.g. eu-central-1.linodeobjects.com' })
      .meta({
        description: 'Host name of the S3 endpoint, without scheme (blackbox prepends https://).',
        examples: ['eu-central-1.linodeobjects.com'],
      }),
    credentials: credentials.meta({ description: 'Where the access key comes from.' }),
  })
  .strict();

const blackboxNotifier = z.discriminatedUnion('type', [
  z
    .object({
      type: z.enum(['discord', 'slack']).meta({ description: 'A Discord or Slack webhook.' }),
      id: notifierId,
      webhook: secretKeyRef.meta({ description: 'The Secret key holding the webhook URL.' }),
    })
    .strict(),
  z
    .object({
      type: z.literal('telegram').meta({ description: 'A Telegram bot.' }),
      id: notifierId,
      token: secretKeyRef.meta({ description: "The Secret key holding the bot's token." }),
      chatId: z
        .string()
        .regex(/^-?[0-9]+$/, { message: 'a Telegram chat id' })
        .meta({ description: 'The chat the bot reports to.', examples: ['-1001234567890'] }),
    })
    .strict(),
]);

/** blackbox defaults: the seed's image, whose Dockerfile installs postgresql-client-16. */
export const BLACKBOX_IMAGE = 'docker.io/lemonsaurus/blackbox:main';
export const BLACKBOX_CLIENT_MAJOR = 16;

const blackboxBackup = z
  .object({
    method: z.literal('blackbox').meta({ description: 'blackbox (lemonsaurus/blackbox): `pg_dumpall` to S3-compatible storage.' }),
    schedule: cron5.default('0 15 * * *').meta({ description: 'When blackbox runs (a CronJob), five fields.', examples: ['0 3 * * *'] }),
    image: imageRef.default(BLACKBOX_IMAGE).meta({ description: 'The blackbox image.', examples: ['ghcr.io/example/blackbox:3.0.2'] }),
    clientMajor: postgresMajor.optional().meta({
      description: "PostgreSQL major of pg_dumpall in the image. Default: 16 for the default image, else the tag's leading number.",
      examples: [17],
    }),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(7)
      .meta({ description: 'blackbox `retention_days`.', examples: [14] }),
    storage: z
      .array(blackboxStorage)
      .min(1, { message: 'at least one storage target' })
      .meta({ description: 'S3-compatible targets (blackbox `storage.s3`).' }),
    notifiers: z.array(blackboxNotifier).default([]).meta({ description: 'Where blackbox reports each run (blackbox `notifiers`).' }),
    scratchSize: quantity.default('10Gi').meta({
      description:
        'Space in /tmp (an emptyDir) for what blackbox writes there: the uncompressed dump plus, while uploading, two gzip copies of it.',
      examples: ['40Gi'],
    }),
    s3Checksums: z.enum(['when_required', 'when_supported']).default('when_required').meta({
      description:
        "botocore's request checksums (AWS_REQUEST_CHECKSUM_CALCULATION / AWS_RESPONSE_CHECKSUM_VALIDATION). boto3 1.36 and later (the image has 1.43) send uploads as aws-chunked with a CRC32 trailer unless told `when_required`; S3-compatible stores without that support refuse the upload or store the chunk framing inside the object, while blackbox reports success. `when_supported` is botocore's own default, for stores that check those trailers (AWS S3).",
    }),
    rcloneImage: imageRef.default('docker.io/rclone/rclone:1.68.2').meta({
      description: "rclone image of a restore's download from the first storage target.",
      examples: ['docker.io/rclone/rclone:1.69.1'],
    }),
  })
  .strict();

const dumpTarget = z.union([
  z
    .object({
      pvc: z
        .object({
          size: quantity.meta({ description: "Size of each generation's claim.", examples: ['50Gi'] }),
          storageClass: z
            .string()
            .min(1)
            .optional()
            .meta({
              description: "StorageClass of the claims. Default: the database's storage class.",
              examples: ['linode-block-storage-retain'],
            }),
          accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany']).default('ReadWriteOnce').meta({
            description:
              "`ReadWriteMany` lets a restore Job read a source's claim on another node while that source's nightly dump runs; with `ReadWriteOnce` the restore waits for the dump to end (or shares its node).",
          }),
        })
        .strict()
        .meta({ description: 'A PersistentVolumeClaim `<generation>-backups` per generation, its dumps in the folder `<generation>/`.' }),
    })
    .strict(),
  z
    .object({
      s3: z
        .object({
          bucket: z
            .string()
            .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'an S3 bucket name' })
            .meta({ description: 'The bucket dumps are uploaded to.', examples: ['pydis-backups'] }),
          prefix: z
            .string()
            .regex(/^([A-Za-z0-9!_.*'()-]+\/)*$/, { message: 'a key prefix ending in "/", e.g. pydis/postgres/' })
            .default('')
            .meta({ description: 'Key prefix ending in "/".', examples: ['pydis/postgres/'] }),
          endpoint: z
            .string()
            .url()
            .optional()
            .meta({ description: 'Endpoint URL. Default: AWS S3.', examples: ['https://eu-central-1.linodeobjects.com'] }),
          region: z
            .string()
            .regex(/^[a-z0-9-]+$/)
            .optional()
            .meta({ description: "Region of the bucket. Default: the provider's default.", examples: ['eu-central-1'] }),
          credentials: credentials.meta({ description: 'Where the access key comes from.' }),
          rcloneImage: imageRef
            .default('docker.io/rclone/rclone:1.68.2')
            .meta({ description: 'rclone image of the upload.', examples: ['docker.io/rclone/rclone:1.69.1'] }),
          scratchSize: quantity
            .default('10Gi')
            .meta({ description: 'Space for one dump before upload (an emptyDir).', examples: ['40Gi'] }),
        })
        .strict()
        .meta({ description: 'An S3-compatible bucket, uploaded with rclone; one folder per generation below the prefix.' }),
    })
    .strict(),
]);

const dumpBackup = z
  .object({
    method: z.literal('dump').meta({ description: "pgfleet's own `pg_dumpall | gzip` + sha512 dumps, to a PVC or a bucket." }),
    schedule: cron5
      .default('0 15 * * *')
      .meta({ description: 'When each generation is dumped (a CronJob), five fields.', examples: ['0 3 * * *'] }),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(7)
      .meta({ description: 'Days a dump is kept.', examples: [14] }),
    target: dumpTarget.meta({ description: 'Where dumps go: a PVC per generation, or an S3-compatible bucket.' }),
    image: imageRef.optional().meta({
      description: "Client image for pg_dumpall. Default: each generation's server image.",
      examples: ['docker.io/library/postgres:17'],
    }),
    clientMajor: postgresMajor
      .optional()
      .meta({ description: "PostgreSQL major of pg_dumpall in `image`. Default: the tag's leading number.", examples: [17] }),
  })
  .strict();

/** `backup` of a standalone database: blackbox or pgfleet's dumps. */
export const backup = z.discriminatedUnion('method', [blackboxBackup, dumpBackup]);

/**
 * pg_dumpall refuses a server of a newer major (checked since 8.4), so a backup image whose
 * client is older than the server it dumps fails every night. Caught here instead.
 */
export function checkClientMajor(db: StandaloneDatabaseInput, gens: readonly GenerationInput[], ctx: z.RefinementCtx): void {
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

/** What checkClientMajor reads of a database. */
type StandaloneDatabaseInput = z.output<z.ZodObject<{ postgresVersion: typeof postgresMajor }>> & {
  readonly retired: string[];
  readonly serving?: string;
  readonly backup: z.output<typeof blackboxBackup> | z.output<typeof dumpBackup>;
};
