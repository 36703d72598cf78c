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
    size: quantity.meta({ description: 'Volume size.', examples: ['5Gi'] }),
    storageClass: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "StorageClass of the volume. Default: the cluster's default StorageClass.", examples: ['netapp-file-backup'] }),
    accessMode: z
      .enum(['ReadWriteOnce', 'ReadWriteMany'])
      .default('ReadWriteOnce')
      .meta({ description: '`ReadWriteMany` lets a restore Job mount the volume while a backup CronJob pod runs on another node.' }),
  })
  .strict();

/** Rolling (daily/weekly/monthly) or flat daily retention, counted per database. */
const retention = z
  .object({
    daily: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Rolling: daily dumps kept (Mon–Sat). Default: 6.', examples: [7] }),
    weekly: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Rolling: Sunday dumps kept. Default: 4.', examples: [8] }),
    monthly: z
      .number()
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Rolling: last-day-of-month dumps kept; 0 turns monthly dumps off. Default: 1.', examples: [12] }),
    total: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Daily strategy: dumps kept in total. Default: 31.', examples: [14] }),
  })
  .strict();

const verification = z
  .object({
    schedule: cron5.default('0 4 * * *').meta({
      description: "When to restore each database's newest dump into a scratch server (`backup.sh -s -v`).",
      examples: ['0 5 * * *'],
    }),
    storage: storage.default({ size: '1Gi' }).meta({ description: "The scratch server's volume." }),
    maxAge: duration
      .default('48h')
      .meta({ description: "Verification fails when a database's newest dump is older than this.", examples: ['26h'] }),
    deadlineSeconds: z
      .number()
      .int()
      .min(60)
      .default(3600)
      .meta({ description: 'A verification Job is stopped after this many seconds.', examples: [7200] }),
  })
  .strict();

const s3Target = z
  .object({
    endpoint: z
      .string()
      .url()
      .meta({ description: 'S3-compatible endpoint.', examples: ['https://s3.ca-central-1.amazonaws.com'] }),
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'an S3 bucket name' })
      .meta({ description: 'Bucket every dump is also copied to.', examples: ['hcap-prod-backups'] }),
    credentials: credentials.meta({ description: 'Where the access key comes from.' }),
    prune: z.boolean().default(false).meta({
      description:
        'Remove the S3 copy of each dump the retention prunes (`S3_PRUNE_BACKUPS`, backup-container 2.13.0 and later). Off, the copies stay: expire them with a bucket lifecycle rule.',
    }),
  })
  .strict();

/** Dumps with the backup-container, their verification and one-off dumps. */
export const backup = z
  .object({
    image: image.meta({
      description:
        "The backup-container image (BCDevOps/bcgov). Its tag names the release, which decides what is rendered (docs/patroni.md: what each release supports); its pg_dump major must be ≥ every generation's.",
      examples: ['docker.io/bcgovimages/backup-container:2.3.3'],
    }),
    imageVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { message: 'a release such as 2.13.0' })
      .optional()
      .meta({
        description: 'The release of `image` when its tag does not say (a digest, a tag of your own). Default: from the tag.',
        examples: ['2.13.0'],
      }),
    strategy: z
      .enum(['rolling', 'daily'])
      .default('rolling')
      .meta({ description: '`rolling`: daily, weekly and monthly dumps, each kept by its own count; `daily`: one count of dumps.' }),
    schedule: cron5.default('0 2 * * *').meta({ description: 'When each database is dumped, in `timeZone`.', examples: ['30 1 * * *'] }),
    timeZone: timeZone.meta({
      description: 'Time zone of the schedules and of the dump file names (CronJob `spec.timeZone`, container `TZ`).',
      examples: ['America/Vancouver'],
    }),
    retention: retention
      .prefault({})
      .meta({ description: "Dumps kept, counted per database. Default: the backup-container's defaults: rolling 6/4/1, daily 31." }),
    databases: z
      .array(sqlName)
      .min(1)
      .optional()
      .meta({ description: 'Databases dumped, one CronJob each. Default: [database].', examples: [['hcap', 'hcap_audit']] }),
    storage: backupStorage.meta({ description: 'The backup volume of each generation (`<generation>-backup`), mounted at `/backups/`.' }),
    deadlineSeconds: z
      .number()
      .int()
      .min(60)
      .default(1600)
      .meta({ description: 'A backup Job is stopped after this many seconds.', examples: [3600] }),
    verification: verification
      .prefault({})
      .meta({ description: 'The verification CronJob. Default: daily at 04:00, 1Gi scratch volume, dumps at most 48h old.' }),
    s3: s3Target.optional().meta({ description: 'Also copy every dump to an S3 bucket (backup-container `S3_*`). Default: volume only.' }),
    onDemand: z
      .object({
        id: runId.meta({ description: 'Part of the Job names; change it to take another dump.', examples: ['before-upgrade'] }),
        generation: objectName()
          .optional()
          .meta({ description: 'Generation that is dumped. Default: the serving generation.', examples: ['hcap-patroni'] }),
      })
      .strict()
      .optional()
      .meta({ description: 'Change this id to take one more dump of every database now (a Job per database). Default: none.' }),
    resources: resources({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } }).meta({
      description: 'Resources of the backup and verification containers. Default: requests 100m/256Mi, limit 512Mi.',
    }),
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
