/**
 * Stack schema of a Patroni database (engine `patroni`): the bcgov Patroni image run as a
 * StatefulSet with the Kubernetes DCS, backed up by the BCDevOps backup-container as CronJobs.
 *
 * @see https://github.com/bcgov/patroni-postgres-container
 * @see https://github.com/BCDevOps/backup-container
 */
import { z } from 'zod';
import { TargetTime } from '../../config/target-time';
import {
  consumer,
  credentials,
  cron5,
  databaseBase,
  duration,
  generationBase,
  issue,
  objectName,
  quantity,
  storage,
  targetTime,
  vaultCredentials,
} from '../../config/schema-parts';

/** The names pgfleet gives a generation's objects; part of the stack's contract (never hashed). */
export const patroniNames = {
  /** StatefulSet, leader Service, Patroni scope, DCS ServiceAccount/Role/RoleBinding, PDB. */
  cluster: (gen: string) => gen,
  /** `hcap_db` → `hcap-db`: SQL names may hold `_`, Kubernetes names may not. */
  dbKey: (db: string) => db.replace(/_/g, '-'),
  backupPvc: (gen: string) => `${gen}-backup`,
  verificationPvc: (gen: string) => `${gen}-backup-verify`,
  backupConfig: (gen: string) => `${gen}-backup`,
  backupCronJob: (gen: string, db: string) => `${gen}-backup-${patroniNames.dbKey(db)}`,
  verifyCronJob: (gen: string) => `${gen}-backup-verify`,
  onDemandJob: (gen: string, db: string, id: string) => `${gen}-backup-${patroniNames.dbKey(db)}-${id}`,
  restoreJob: (gen: string, db: string) => `${gen}-restore-${patroniNames.dbKey(db)}`,
  upgradeJob: (gen: string, db: string) => `${gen}-upgrade-${patroniNames.dbKey(db)}`,
  preRestoreJob: (gen: string, db: string, id: string) => `${gen}-pre-restore-${patroniNames.dbKey(db)}-${id}`,
  inPlaceRestoreJob: (gen: string, db: string, id: string) => `${gen}-restore-${patroniNames.dbKey(db)}-${id}`,
  scaleDown: (gen: string, id: string) => `${gen}-scale-down-${id}`,
  backupPolicy: (gen: string) => `${gen}-backup`,
  /** Vault-fed credentials Secret of a database (shared by its generations). */
  vaultCredentials: (db: string) => `${db}-credentials`,
  /** Dump file prefix the backup-container writes: `<host>-<database>` (host = leader Service). */
  dumpPrefix: (gen: string, db: string) => `${gen}-${db}`,
};

/** Kubernetes refuses CronJob names over 52 characters (Job names get an 11-character suffix). */
const CRONJOB_MAX = 52;
const NAME_MAX = 63;

const sqlName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, { message: 'a lower-case SQL identifier: letters, digits and "_", starting with a letter' })
  .max(30, { message: 'at most 30 characters, so Job and CronJob names built from it stay within Kubernetes limits' });

/** A one-off run id: part of Job names, so a new id is a new Job. */
const runId = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'lower-case letters, digits and "-", e.g. 20261120 or before-upgrade' })
  .max(20, { message: 'at most 20 characters' });

/** An image reference with an explicit tag or digest. */
const image = z.string().superRefine((v, ctx) => {
  const lastSegment = v.slice(v.lastIndexOf('/') + 1);
  if (/^[a-z0-9][\w./:@-]*$/i.test(v) && (lastSegment.includes(':') || v.includes('@sha256:'))) return;
  issue(
    ctx,
    'an image reference with an explicit tag or digest, e.g. registry/patroni-postgres:2.0.1-12.4-latest',
    `add the tag you vetted, e.g. "${v}:<tag>"`,
  );
});

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

const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, { message: 'a Secret key: letters, digits, "-", "_" or "."' });

/** Keys of the credentials Secret; the defaults are those of hcap's `patroni.prep.yml`. */
const credentialKeys = z
  .object({
    /** @default superuser-username */
    superuserUsername: secretKey.default('superuser-username'),
    /** @default superuser-password */
    superuserPassword: secretKey.default('superuser-password'),
    /** @default replication-username */
    replicationUsername: secretKey.default('replication-username'),
    /** @default replication-password */
    replicationPassword: secretKey.default('replication-password'),
    /** The application user the image's post_init creates (APP_USER). @default db-username */
    appUsername: secretKey.default('db-username'),
    /** @default db-password */
    appPassword: secretKey.default('db-password'),
  })
  .strict();

/**
 * Where the Patroni credentials come from: a Secret that exists, or a Vault path read through
 * the shared Vault/External Secrets construct. Every generation of the database uses the same
 * Secret, so a restored generation accepts the same application password and a cutover only
 * changes the host.
 */
const patroniCredentials = z.union([
  z
    .object({
      existingSecret: z.object({ name: objectName(253) }).strict(),
      /** @default - hcap's key names */
      keys: credentialKeys.prefault({}),
    })
    .strict(),
  z
    .object({
      /** The Vault path must return the keys at the top level of its data (a KV version 1 mount). */
      vault: vaultCredentials,
      /** @default - hcap's key names */
      keys: credentialKeys.prefault({}),
    })
    .strict(),
]);

const resourceList = z
  .object({
    /** CPU, e.g. `500m` or `2`. @default - unset */
    cpu: z
      .string()
      .regex(/^[0-9]+(\.[0-9]+)?m?$/, { message: 'a CPU quantity such as 500m or 2' })
      .optional(),
    /** Memory, e.g. `512Mi`. @default - unset */
    memory: quantity.optional(),
  })
  .strict();

/** Container resources; omitted entries are left unset. */
const resources = (defaults: { requests: { cpu: string; memory: string }; limits: { memory: string } }) =>
  z
    .object({
      /** @default - per container, see docs/patroni.md */
      requests: resourceList.default(defaults.requests),
      /** @default - per container, see docs/patroni.md */
      limits: resourceList.default(defaults.limits),
    })
    .strict()
    .prefault({});

/** A Pod label selector (`matchLabels`) of pods allowed to connect to PostgreSQL. */
const clientSelector = z
  .object({
    matchLabels: z.record(z.string().min(1), z.string()).refine((m) => Object.keys(m).length > 0, { message: 'at least one label' }),
  })
  .strict();

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
  })
  .strict();

const backup = z
  .object({
    /** The backup-container image (BCDevOps); its pg_dump major must be ≥ every generation's. */
    image,
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

/** A workload scaled to zero before a destructive in-place restore. */
const scaleTarget = z
  .object({
    /** @default Deployment */
    kind: z.enum(['Deployment', 'StatefulSet', 'DeploymentConfig']).default('Deployment'),
    name: objectName(63),
  })
  .strict();

/**
 * Restore over a live generation (what `backup.sh -r` does: drop and recreate its database).
 * Destroys every write since the chosen dump; needs `destroys-data:<generation>` in `acknowledge`.
 */
const inPlaceRestore = z
  .object({
    /** The live generation whose database is replaced. */
    generation: objectName(),
    /** Names this restore's Jobs; a new id is a new restore. */
    id: runId,
    /**
     * A dump under the generation's backup volume, e.g. `/backups/daily/2026-11-20/<generation>-<db>_2026-11-20_02-00-00.sql.gz`.
     * @default - targetTime decides (one of the two is required)
     */
    backupFile: z.string().min(1).optional(),
    /** The newest dump taken at or before this time. @default - backupFile decides */
    targetTime: targetTime.optional(),
    /** Workloads scaled to zero first. @default - every consumer's app, as a Deployment */
    scaleDown: z.array(scaleTarget).optional(),
    /**
     * Image whose entrypoint is `kubectl`, for the scale-down Job (the standalone engine's default too).
     * @default registry.k8s.io/kubectl:v1.32.4
     */
    kubectlImage: image.default('registry.k8s.io/kubectl:v1.32.4'),
  })
  .strict();

const patroniGeneration = z.object({ ...generationBase(['backupFile', 'time', 'latest'], { upgradeFrom: true }) }).strict();

const patroniDatabaseFields = z
  .object({
    ...databaseBase,
    engine: z.literal('patroni'),
    /** Generations (Patroni clusters) of this database. @default - one generation named after the database */
    generations: z.array(patroniGeneration).min(1).optional(),
    /** The Patroni image per PostgreSQL major, e.g. `"12": …/patroni-postgres:2.0.1-12.4-latest`. */
    images: z.record(z.string().regex(/^(1[2-8])$/, { message: 'a PostgreSQL major from 12 to 18, as a string key' }), image),
    /** Patroni members per generation. @default 3 */
    replicas: z.number().int().min(1).max(9).default(3),
    storage,
    /** The application database the image's post_init creates (APP_DATABASE), read by consumers. */
    database: sqlName,
    credentials: patroniCredentials,
    /** Bootstrap parameters the image's entrypoint reads (POSTGRESQL_MAX_*); they apply when a generation is created. @default {} */
    parameters: z
      .object({
        /** @default 100 (image default) */
        maxConnections: z.number().int().min(1).optional(),
        /** @default 0 (image default) */
        maxPreparedTransactions: z.number().int().min(0).optional(),
        /** @default 64 (image default) */
        maxLocksPerTransaction: z.number().int().min(10).optional(),
      })
      .strict()
      .prefault({}),
    /** @default - requests 250m/512Mi, limit 1Gi */
    resources: resources({ requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } }),
    /**
     * `openshift`: leave user and group ids to the restricted SCC, which assigns them from the
     * namespace's range (both images support arbitrary uids). @default kubernetes
     */
    platform: z.enum(['kubernetes', 'openshift']).default('kubernetes'),
    /** Who may reach PostgreSQL besides the members and the backup pods. @default {clients: []} */
    network: z
      .object({
        /** Pods (besides the members and the backup pods) allowed to reach port 5432. @default [] */
        clients: z.array(clientSelector).default([]),
      })
      .strict()
      .prefault({}),
    /** Dumps with the backup-container, their verification and one-off dumps. */
    backup,
    /** The acknowledged destructive restore over a live generation. @default - none */
    inPlaceRestore: inPlaceRestore.optional(),
  })
  .strict();

export const patroniDatabase = patroniDatabaseFields.superRefine((db, ctx) => checkDatabase(db, ctx));

export type PatroniDatabaseSpec = z.output<typeof patroniDatabase>;
export type PatroniGenerationSpec = z.output<typeof patroniGeneration>;
export type PatroniBackupSpec = PatroniDatabaseSpec['backup'];
export type PatroniInPlaceRestoreSpec = NonNullable<PatroniDatabaseSpec['inPlaceRestore']>;
export type PatroniScaleTarget = z.output<typeof scaleTarget>;
type ConsumerSpec = z.output<typeof consumer>;

/** Databases the backup-container dumps for this database entry. */
export function backedUpDatabases(spec: Pick<PatroniDatabaseSpec, 'database' | 'backup'>): readonly string[] {
  return spec.backup.databases ?? [spec.database];
}

/** Retention with the backup-container's own defaults filled in. */
export function retentionOf(backup: Pick<PatroniBackupSpec, 'retention' | 'strategy'>) {
  const r = backup.retention;
  return backup.strategy === 'rolling'
    ? { strategy: 'rolling' as const, daily: r.daily ?? 6, weekly: r.weekly ?? 4, monthly: r.monthly ?? 1 }
    : { strategy: 'daily' as const, total: r.total ?? 31 };
}

/** Workloads a destructive restore scales to zero. */
export function scaleTargetsOf(restore: PatroniInPlaceRestoreSpec, consumers: readonly ConsumerSpec[]): readonly PatroniScaleTarget[] {
  return restore.scaleDown ?? consumers.map((c) => ({ kind: 'Deployment' as const, name: c.app }));
}

/** `<dir>/<prefix>_<YYYY-MM-DD_HH-MM-SS>.sql.gz`, the only file name the backup-container writes. */
const DUMP_FILE = /^\/backups\/(.+\/)?([a-z0-9][-a-z0-9_]*)_(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})\.sql\.gz$/;

function checkDatabase(db: z.output<typeof patroniDatabaseFields>, ctx: z.RefinementCtx): void {
  const gens = db.generations ?? [{ name: db.name }];
  const names = gens.map((g) => g.name);
  const dbs = backedUpDatabases(db);

  // Images: every major a generation can run needs one.
  const majors = new Set([
    db.postgresVersion,
    ...gens.flatMap((g) => ('postgresVersion' in g && g.postgresVersion !== undefined ? [g.postgresVersion] : [])),
  ]);
  for (const m of [...majors].sort()) {
    if (!db.images[String(m)]) {
      issue(
        ctx,
        `an image for every major a generation runs (${[...majors].sort().join(', ')}); have: ${Object.keys(db.images).join(', ') || '(none)'}`,
        `add images."${m}": <registry>/patroni-postgres:<tag for PostgreSQL ${m}>`,
        ['images'],
      );
    }
  }

  const seenKeys = new Map<string, string>();
  dbs.forEach((d, i) => {
    const key = patroniNames.dbKey(d);
    if (seenKeys.has(key))
      issue(
        ctx,
        `database names that stay distinct in object names (${seenKeys.get(key)} and ${d} both become "${key}")`,
        'list each database once',
        ['backup', 'databases', i],
      );
    seenKeys.set(key, d);
  });

  // Names built from generation, database and run ids must fit Kubernetes' limits. zod prefixes
  // an issue's path array in place, so each issue gets a copy of its own.
  const tooLong = (name: string, max: number, path: readonly (string | number)[], what: string) => {
    if (name.length > max)
      issue(
        ctx,
        `names up to ${max} characters; the ${what} would be "${name}" (${name.length})`,
        'shorten the generation name, the database name or the id',
        [...path],
      );
  };
  gens.forEach((g, gi) => {
    const gpath = db.generations ? ['generations', gi, 'name'] : ['name'];
    for (const d of dbs) {
      tooLong(patroniNames.backupCronJob(g.name, d), CRONJOB_MAX, gpath, 'backup CronJob');
      tooLong(patroniNames.restoreJob(g.name, d), NAME_MAX, gpath, 'restore Job');
      tooLong(patroniNames.upgradeJob(g.name, d), NAME_MAX, gpath, 'upgrade Job');
    }
    if (db.backup.onDemand)
      for (const d of dbs)
        tooLong(patroniNames.onDemandJob(g.name, d, db.backup.onDemand.id), NAME_MAX, ['backup', 'onDemand', 'id'], 'on-demand backup Job');
  });

  // Retention: a rolling count of 0 makes backup.sh delete the dump it just wrote.
  const r = db.backup.retention;
  if (db.backup.strategy === 'rolling') {
    if (r.total !== undefined)
      issue(
        ctx,
        'daily, weekly and monthly with the rolling strategy (total counts the daily strategy)',
        'remove total, or set strategy: daily',
        ['backup', 'retention', 'total'],
      );
    for (const k of ['daily', 'weekly'] as const) {
      if (r[k] === 0)
        issue(
          ctx,
          `at least 1: backup.sh files ${k === 'daily' ? 'Monday–Saturday' : 'Sunday'} dumps as ${k} and prunes down to this count right after writing, so 0 deletes each new ${k} dump`,
          `set retention.${k}: 1 or more`,
          ['backup', 'retention', k],
        );
    }
  } else {
    for (const k of ['daily', 'weekly', 'monthly'] as const) {
      if (r[k] !== undefined)
        issue(
          ctx,
          'total with the daily strategy (daily, weekly and monthly count the rolling strategy)',
          `remove ${k}, or set strategy: rolling`,
          ['backup', 'retention', k],
        );
    }
  }

  if (db.backup.verification.schedule.trim() === db.backup.schedule.trim()) {
    issue(
      ctx,
      'a verification schedule apart from the backup schedule: a verification running beside a dump reads the volume while it is written',
      'move verification.schedule an hour or two after backup.schedule',
      ['backup', 'verification', 'schedule'],
    );
  }

  const onDemand = db.backup.onDemand;
  if (onDemand?.generation !== undefined && !names.includes(onDemand.generation)) {
    issue(
      ctx,
      `a generation of ${db.name}: ${names.join(', ')}`,
      'name the generation to back up, or leave generation out for the serving one',
      ['backup', 'onDemand', 'generation'],
    );
  }

  if (db.consumers.length > 0 && db.network.clients.length === 0) {
    issue(
      ctx,
      `network.clients selecting the pods of ${db.consumers.map((c) => c.app).join(', ')}: each generation's NetworkPolicy admits only its members, the backup pods and these clients`,
      'add network.clients: [{matchLabels: {<label of the consumer pods>: <value>}}]',
      ['network', 'clients'],
    );
  }

  // restoreFrom: a backupFile names one dump of one database of the source generation.
  gens.forEach((g, gi) => {
    const from = 'restoreFrom' in g ? g.restoreFrom : undefined;
    if (!from?.backupFile) return;
    const path = [...(db.generations ? ['generations', gi] : []), 'restoreFrom', 'backupFile'];
    checkBackupFile(ctx, from.backupFile, from.generation, dbs, path);
  });

  const ip = db.inPlaceRestore;
  if (ip) {
    if (!names.includes(ip.generation) || db.retired.includes(ip.generation)) {
      issue(
        ctx,
        `a live generation of ${db.name}: ${names.filter((n) => !db.retired.includes(n)).join(', ')}`,
        'name the generation whose database is replaced',
        ['inPlaceRestore', 'generation'],
      );
    }
    const ack = `destroys-data:${ip.generation}`;
    if (!db.acknowledge.includes(ack)) {
      issue(
        ctx,
        `an acknowledged destructive restore: inPlaceRestore drops ${ip.generation}'s database and loads a dump over it, losing every write since that dump`,
        `restore into a new generation instead (generations: [{name: <new>, restoreFrom: {generation: ${ip.generation}, ...}}]); or, to replace the live data, add "${ack}" to acknowledge`,
        ['inPlaceRestore'],
      );
    }
    if (ip.backupFile === undefined && ip.targetTime === undefined) {
      issue(
        ctx,
        'backupFile or targetTime: the restore first takes a dump of the live database, so "latest" would load that dump back',
        'name the dump (backupFile) or the time to go back to (targetTime)',
        ['inPlaceRestore'],
      );
    }
    if (ip.backupFile !== undefined && ip.targetTime !== undefined) {
      issue(ctx, 'one of backupFile or targetTime', 'keep one of them', ['inPlaceRestore', 'targetTime']);
    }
    if (ip.backupFile !== undefined) checkBackupFile(ctx, ip.backupFile, ip.generation, dbs, ['inPlaceRestore', 'backupFile']);
    for (const d of dbs) {
      tooLong(patroniNames.preRestoreJob(ip.generation, d, ip.id), NAME_MAX, ['inPlaceRestore', 'id'], 'pre-restore backup Job');
      tooLong(patroniNames.inPlaceRestoreJob(ip.generation, d, ip.id), NAME_MAX, ['inPlaceRestore', 'id'], 'restore Job');
    }
    tooLong(patroniNames.scaleDown(ip.generation, ip.id), NAME_MAX, ['inPlaceRestore', 'id'], 'scale-down Job');
  }
}

function checkBackupFile(
  ctx: z.RefinementCtx,
  file: string,
  source: string,
  dbs: readonly string[],
  path: readonly (string | number)[],
): void {
  if (dbs.length > 1) {
    issue(
      ctx,
      `targetTime or latest when a generation has several databases (${dbs.join(', ')}): one file holds one database`,
      'use targetTime to restore every database from its dump before that time',
      [...path],
    );
    return;
  }
  const prefix = patroniNames.dumpPrefix(source, dbs[0]);
  const m = DUMP_FILE.exec(file);
  if (!m || m[2] !== prefix) {
    issue(
      ctx,
      `a dump of ${source}/${dbs[0]} under its backup volume: /backups/<daily|weekly|monthly>/<date>/${prefix}_<YYYY-MM-DD_HH-MM-SS>.sql.gz`,
      `copy the path from the backup Job's log or \`ls -R /backups\` in a backup pod, e.g. /backups/daily/2026-11-20/${prefix}_2026-11-20_02-00-00.sql.gz`,
      [...path],
    );
  }
}

/**
 * `2026-11-20_01-30-00`: the wall clock in `timeZone` at `time`, in the backup-container's
 * file-name format, so the restore Job compares dump names with plain string order.
 */
export function dumpStamp(time: TargetTime, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(time.epochMs));
  const p = (t: string) => parts.find((x) => x.type === t)!.value;
  return `${p('year')}-${p('month')}-${p('day')}_${p('hour')}-${p('minute')}-${p('second')}`;
}
