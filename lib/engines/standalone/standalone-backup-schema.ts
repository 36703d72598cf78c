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
    /**
     * Space in /tmp (an emptyDir) for what blackbox writes there: the uncompressed dump plus, while
     * uploading, two gzip copies of it. @default 10Gi
     */
    scratchSize: quantity.default('10Gi'),
    /**
     * botocore's request checksums (AWS_REQUEST_CHECKSUM_CALCULATION / AWS_RESPONSE_CHECKSUM_VALIDATION).
     * boto3 1.36 and later (the image has 1.43) send uploads as aws-chunked with a CRC32 trailer
     * unless told `when_required`; S3-compatible stores without that support refuse the upload or
     * store the chunk framing inside the object, while blackbox reports success. `when_supported`
     * is botocore's own default, for stores that check those trailers (AWS S3). @default when_required
     */
    s3Checksums: z.enum(['when_required', 'when_supported']).default('when_required'),
    /** rclone image of a restore's download from the first storage target. @default docker.io/rclone/rclone:1.68.2 */
    rcloneImage: imageRef.default('docker.io/rclone/rclone:1.68.2'),
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
