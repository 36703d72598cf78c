/**
 * The backup part of a Patroni database's stack schema: BCDevOps backup-container dumps (schedule,
 * time zone, retention, volume, an S3 copy, one-off dumps) and their daily verification.
 *
 * @see https://github.com/BCDevOps/backup-container
 */
import { z } from 'zod';
import { credentials, cron5, duration, objectName, issue, quantity, storage } from '../../config/schema-parts';
import { image, resources, runId, sqlName } from './patroni-schema-parts';

/** An IANA time zone name, as Kubernetes CronJob `spec.timeZone` takes it. */
const timeZone = z.string().superRefine((v, ctx) => {
  let ok = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(v);
  if (ok) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: v });
    } catch {
      ok = false;
    }
  }
  if (!ok)
    issue(
      ctx,
      'an IANA time zone name such as America/Vancouver or Etc/UTC',
      'write the tz database name of the zone the schedule is meant in',
    );
});

const backupStorage = z
  .object({
    /** Volume size, e.g. `5Gi`. */
    size: quantity,
    /** @default - the cluster's default StorageClass */
    storageClass: z.string().min(1).optional(),
    /**
     * `ReadWriteMany` lets a restore Job mount the volume while a backup CronJob pod runs on
     * another node. @default ReadWriteOnce
     */
    accessMode: z.enum(['ReadWriteOnce', 'ReadWriteMany']).default('ReadWriteOnce'),
  })
  .strict();

/** Rolling (daily/weekly/monthly) or flat daily retention, counted per database. */
const retention = z
  .object({
    /** Rolling: daily dumps kept (Mon–Sat). @default 6 */
    daily: z.number().int().min(0).optional(),
    /** Rolling: Sunday dumps kept. @default 4 */
    weekly: z.number().int().min(0).optional(),
    /** Rolling: last-day-of-month dumps kept; 0 turns monthly dumps off. @default 1 */
    monthly: z.number().int().min(0).optional(),
    /** Daily strategy: dumps kept in total. @default 31 */
    total: z.number().int().min(1).optional(),
  })
  .strict();

const verification = z
  .object({
    /** When to restore each database's newest dump into a scratch server (`backup.sh -s -v`). @default "0 4 * * *" */
    schedule: cron5.default('0 4 * * *'),
    /** The scratch server's volume. @default {size: 1Gi} */
    storage: storage.default({ size: '1Gi' }),
    /** Verification fails when a database's newest dump is older than this. @default 48h */
    maxAge: duration.default('48h'),
    /** A verification Job is stopped after this long. @default 3600 */
    deadlineSeconds: z.number().int().min(60).default(3600),
  })
  .strict();

const s3Target = z
  .object({
    /** S3-compatible endpoint, e.g. `https://s3.ca-central-1.amazonaws.com`. */
    endpoint: z.string().url(),
    /** Bucket every dump is also copied to. */
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'an S3 bucket name' }),
    /** Where the access key comes from. */
    credentials,
    /**
     * Remove the S3 copy of each dump the retention prunes (`S3_PRUNE_BACKUPS`, backup-container
     * 2.13.0 and later). @default false - copies stay; expire them with a bucket lifecycle rule
     */
    prune: z.boolean().default(false),
  })
  .strict();

/** Dumps with the backup-container, their verification and one-off dumps. */
export const backup = z
  .object({
    /**
     * The backup-container image (BCDevOps/bcgov). Its tag names the release, which decides what
     * is rendered (docs/patroni.md: what each release supports); its pg_dump major must be ≥ every
     * generation's.
     */
    image,
    /** The release of `image` when its tag does not say (a digest, a tag of your own), e.g. `"2.13.0"`. @default - from the tag */
    imageVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { message: 'a release such as 2.13.0' })
      .optional(),
    /** @default rolling */
    strategy: z.enum(['rolling', 'daily']).default('rolling'),
    /** When each database is dumped, in `timeZone`. @default "0 2 * * *" */
    schedule: cron5.default('0 2 * * *'),
    /** Time zone of the schedules and of the dump file names (CronJob `spec.timeZone`, container `TZ`). */
    timeZone,
    /** @default - the backup-container's defaults: rolling 6/4/1, daily 31 */
    retention: retention.prefault({}),
    /** Databases dumped, one CronJob each. @default - [database] */
    databases: z.array(sqlName).min(1).optional(),
    /** The backup volume of each generation (`<generation>-backup`), mounted at `/backups/`. */
    storage: backupStorage,
    /** A backup Job is stopped after this long. @default 1600 */
    deadlineSeconds: z.number().int().min(60).default(1600),
    /** The verification CronJob. @default - daily at 04:00, 1Gi scratch volume, dumps at most 48h old */
    verification: verification.prefault({}),
    /** Also copy every dump to an S3 bucket (backup-container `S3_*`). @default - volume only */
    s3: s3Target.optional(),
    /** Change this id to take one more dump of every database now (a Job per database). @default - none */
    onDemand: z
      .object({
        id: runId,
        /** @default - the serving generation */
        generation: objectName().optional(),
      })
      .strict()
      .optional(),
    /** @default - requests 100m/256Mi, limit 512Mi */
    resources: resources({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } }),
  })
  .strict();

type BackupSpec = z.output<typeof backup>;

/** Retention with the backup-container's own defaults filled in. */
export function retentionOf(backup: Pick<BackupSpec, 'retention' | 'strategy'>) {
  const r = backup.retention;
  return backup.strategy === 'rolling'
    ? { strategy: 'rolling' as const, daily: r.daily ?? 6, weekly: r.weekly ?? 4, monthly: r.monthly ?? 1 }
    : { strategy: 'daily' as const, total: r.total ?? 31 };
}
