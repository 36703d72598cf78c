/**
 * Building blocks shared by every engine's stack schema. Each check states what is allowed and
 * how to fix it, because the message is all a user sees (see `issue()`).
 */
import { z } from 'zod';
import { isCron5, isCron6 } from './cron';
import { DURATION_PATTERN, durationSeconds } from './duration';
import { QUANTITY_PATTERN, quantityBytes } from './quantity';
import { SPAN_PATTERN } from './recovery-span';
import { TargetTime } from './target-time';

/** Adds an issue whose message carries what is allowed and, in `params.fix`, what to change. */
export function issue(ctx: z.RefinementCtx, allowed: string, fix: string, path: (string | number)[] = []): void {
  // A fresh array: zod prefixes the path it is given in place.
  ctx.addIssue({ code: 'custom', message: allowed, params: { fix }, path: [...path] });
}

/** A Kubernetes object name usable as a prefix of generated names (DNS-1035 label). */
export const objectName = (max = 40) =>
  z
    .string()
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, {
      message: 'lower-case letters, digits and "-", starting with a letter and not ending with "-"',
    })
    .max(max, { message: `at most ${max} characters, so generated names (backups, secrets, jobs) stay under Kubernetes' limits` });

/** A size or amount; zero is never meant (a 0-byte volume cannot be created, a 0 limit starves the pod). */
export const quantity = z
  .string()
  .regex(QUANTITY_PATTERN, { message: 'a Kubernetes quantity such as 50Gi or 500Mi' })
  .refine((v) => (quantityBytes(v) ?? 1) > 0, { message: 'a quantity above zero, such as 1Gi' });

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes label key: `name` or `prefix/name` (the API server refuses others). */
export const labelKey = z.string().superRefine((k, ctx) => {
  const slash = k.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [k.slice(0, slash), k.slice(slash + 1)] : [undefined, k];
  const ok =
    name.length > 0 &&
    name.length <= 63 &&
    LABEL_NAME.test(name) &&
    (prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix)));
  if (!ok) {
    issue(
      ctx,
      'a label key: an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      'e.g. team or example.com/team',
    );
  }
});

/** A Kubernetes label value: empty, or at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit. */
export const labelValue = z.string().max(63, { message: 'a label value of at most 63 characters' }).regex(LABEL_NAME, {
  message: 'a label value: letters, digits, "-", "_" or ".", starting and ending with a letter or digit (no spaces)',
});

/** Labels as Kubernetes accepts them. */
export const labelMap = z.record(labelKey, labelValue);

/** An http(s) URL without credentials in it (they would be copied into dist/ in clear). */
export const httpUrl = z
  .string()
  .url({ message: 'a URL such as https://s3.example.com' })
  .superRefine((v, ctx) => {
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      return;
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:')
      issue(ctx, 'an http:// or https:// URL', `write it as https://${u.host || 'host'}`);
    if (u.username || u.password) {
      issue(
        ctx,
        'a URL without a user or password: pgfleet keeps no credentials in stack files or manifests',
        'remove "user:password@"; give the credentials through credentials.vault or credentials.existingSecret',
      );
    }
  });

/** A positive PostgreSQL time setting in postgresql.conf form: `300s`, `5min`, `1h`, `300` (seconds). */
export const pgTime = z.string().regex(/^[1-9][0-9]*(s|min|h)?$/, { message: 'a PostgreSQL time such as 300s or 5min' });

export const duration = z.string().regex(DURATION_PATTERN, { message: 'a Go duration such as 12h, 30m or 1h30m' });

export const postgresMajor = z
  .number()
  .int({ message: 'a PostgreSQL major version as an integer, e.g. 17' })
  .min(12, { message: 'a major version from 12 to 18' })
  .max(18, { message: 'a major version from 12 to 18' });

/** A Kubernetes CronJob or PGO schedule. */
export const cron5 = z.string().superRefine((v, ctx) => {
  if (isCron5(v)) return;
  const fix =
    v.trim().split(/\s+/).length === 6
      ? 'drop the leading seconds field: Kubernetes and pgBackRest schedules have five fields'
      : 'write minute hour day-of-month month day-of-week, e.g. "0 2 * * *"';
  issue(ctx, 'a five-field cron expression ("min hour dom month dow") or @daily/@hourly/...', fix);
});

/** A CloudNativePG ScheduledBackup schedule (seconds first). */
export const cron6 = z.string().superRefine((v, ctx) => {
  if (isCron6(v)) return;
  const fix = isCron5(v)
    ? `CloudNativePG schedules start with a seconds field: write "0 ${v.trim()}"`
    : 'write second minute hour day-of-month month day-of-week, e.g. "0 0 0 * * *" for midnight';
  issue(ctx, 'a six-field cron expression with seconds first', fix);
});

/** Targets before this hold no backup anyone can still restore. */
const EARLIEST_TARGET = Date.parse('2000-01-01T00:00:00Z');

export const targetTime = z.string().superRefine((v, ctx) => {
  const t = TargetTime.parse(v);
  if (t && t.epochMs < EARLIEST_TARGET) {
    issue(ctx, `a time after 2000-01-01 (this is ${t.utc}): no backup reaches back that far`, 'check the year');
    return;
  }
  // A few minutes of grace for clocks that disagree; beyond that the WAL does not exist yet.
  if (t && t.epochMs > Date.now() + 5 * 60_000) {
    issue(
      ctx,
      `a time in the past (this is ${t.utc}, after now): WAL written after now does not exist yet, so CloudNativePG and pgBackRest fail and Spilo stops at the end of the archive`,
      'name the moment to return to, before now; for the newest state leave targetTime out',
    );
    return;
  }
  if (t) return;
  const fix = TargetTime.lacksOffset(v)
    ? `add the offset the time was meant in, e.g. "${v.trim().replace(' ', 'T')}Z" for UTC or "${v.trim()}-08:00"; without one CloudNativePG assumes UTC, pgBackRest the server's zone and Spilo refuses`
    : 'write an RFC 3339 time such as "2026-11-20T08:00:00+01:00" or "2026-11-20 08:00:00-08:00"';
  issue(ctx, 'a time with an explicit UTC offset or Z', fix);
});

/** Storage of one data volume. Growing is allowed; shrinking is refused against the last synth. */
export const storage = z
  .object({
    /** Volume size, e.g. `50Gi`. */
    size: quantity,
    /** @default - the cluster's default StorageClass */
    storageClass: z.string().min(1).optional(),
  })
  .strict();

/**
 * Short-lived object-store credentials minted by Vault and delivered by External Secrets
 * (ServiceAccount + VaultDynamicSecret generator + ExternalSecret).
 */
export const vaultCredentials = z
  .object({
    /** Vault path that mints the credentials, e.g. `/aws/creds/forgejo-db-backup`. */
    path: z.string().regex(/^\/?[\w.-]+(\/[\w.-]+)*$/, { message: 'a Vault path such as /aws/creds/forgejo-db-backup' }),
    /** Vault Kubernetes-auth role the ServiceAccount logs in with. */
    role: z.string().min(1),
    /** How often External Secrets mints new credentials. @default 12h */
    refreshInterval: duration.default('12h'),
    /** TTL of the Vault token that issues the credentials: the lease dies with it. @default 24h */
    tokenTtl: duration.default('24h'),
    /** @default - `pgfleet:vault.server` */
    server: httpUrl.optional(),
    /** @default - `pgfleet:vault.mountPath`, else `kubernetes` */
    mountPath: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const refresh = durationSeconds(v.refreshInterval);
    const ttl = durationSeconds(v.tokenTtl);
    if (refresh !== undefined && ttl !== undefined && refresh >= ttl) {
      issue(
        ctx,
        `a refreshInterval shorter than the Vault token TTL (${v.tokenTtl}): Vault revokes the credentials when the token that issued them expires`,
        `set refreshInterval below ${v.tokenTtl} (e.g. half of it), or raise tokenTtl to match the role's real TTL`,
        ['refreshInterval'],
      );
    }
  });

/** An existing Secret holding S3-style keys. */
export const existingS3Secret = z
  .object({
    name: objectName(253),
    /** @default access_key */
    accessKeyIdKey: z.string().min(1).default('access_key'),
    /** @default secret_key */
    secretAccessKeyKey: z.string().min(1).default('secret_key'),
  })
  .strict();

/** Where object-store credentials come from: Vault through External Secrets, or a Secret that exists. */
export const credentials = z.union([
  z.object({ vault: vaultCredentials }).strict(),
  z.object({ existingSecret: existingS3Secret }).strict(),
]);

export type CredentialsSpec = z.output<typeof credentials>;
export type VaultCredentialsSpec = z.output<typeof vaultCredentials>;

/** A pgBackRest backup label, as `pgbackrest info` lists it: a full backup, or a differential or incremental one on top of it. */
export const backupSet = z.string().regex(/^\d{8}-\d{6}F(_\d{8}-\d{6}[DI])?$/, {
  message: 'a pgBackRest backup label such as 20261120-010003F or 20261120-010003F_20261121-010002I (`pgbackrest info`)',
});

/** Which recovery targets an engine's tool supports. */
export type TargetKind = 'time' | 'lsn' | 'name' | 'latest' | 'backupFile';

const TARGET_FIELDS: Record<Exclude<TargetKind, 'latest'>, string> = {
  time: 'targetTime',
  lsn: 'targetLSN',
  name: 'targetName',
  backupFile: 'backupFile',
};

/**
 * `restoreFrom`: the generation whose backups a new generation starts from, and where to stop.
 * Only the target fields the engine's tool supports are accepted; none means "latest".
 */
export function restoreFrom(kinds: readonly TargetKind[], options: { backupID?: boolean; backupSet?: boolean } = {}) {
  const fields: Record<string, z.ZodType> = {
    /** The generation (cluster name) whose backups are read. */
    generation: objectName(),
  };
  if (kinds.includes('time')) fields.targetTime = targetTime.optional();
  if (kinds.includes('lsn')) {
    fields.targetLSN = z
      .string()
      .regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, { message: 'a WAL location such as 0/3000060' })
      .optional();
  }
  if (kinds.includes('name')) fields.targetName = z.string().min(1).optional();
  if (kinds.includes('backupFile')) fields.backupFile = z.string().min(1).optional();
  /** The base backup to start from (needed with targetName). @default - the newest before the target */
  if (options.backupID)
    fields.backupID = z
      .string()
      .regex(/^\d{8}T\d{6}$/, { message: 'a Barman backup ID such as 20261120T000003' })
      .optional();
  /** The pgBackRest backup set to start from (`--set`; needed with targetName). @default - pgBackRest's choice */
  if (options.backupSet) fields.backupSet = backupSet.optional();
  const supported = kinds.map((k) => (k === 'latest' ? 'no target (latest)' : TARGET_FIELDS[k])).join(', ');
  return z
    .object(fields)
    .strict()
    .superRefine((v, ctx) => {
      const set = Object.values(TARGET_FIELDS).filter((f) => (v as Record<string, unknown>)[f] !== undefined);
      if (set.length > 1) {
        issue(ctx, `one recovery target at most; this engine supports: ${supported}`, `keep one of ${set.join(', ')}`, [set[1]]);
      }
      if (set.length === 0 && !kinds.includes('latest')) {
        issue(ctx, `a recovery target: ${supported}`, 'name the point to restore to');
      }
    }) as unknown as z.ZodType<RestoreFromInput>;
}

/** `restoreFrom` as parsed; fields an engine does not support are refused by its schema. */
export interface RestoreFromInput {
  readonly generation: string;
  readonly targetTime?: string;
  readonly targetLSN?: string;
  readonly targetName?: string;
  readonly backupFile?: string;
  readonly backupID?: string;
  readonly backupSet?: string;
}

/** An application that reads the serving generation's connection string from a Secret of its own. */
export const consumer = z
  .object({
    /** The application (Deployment) name, for review and the runbook. */
    app: objectName(63),
    /** The Secret the application reads; pgfleet owns it through an ExternalSecret. */
    secretName: objectName(253),
    /** Key in that Secret. @default DATABASE_URL */
    key: z
      .string()
      .regex(/^[-._a-zA-Z0-9]+$/, { message: 'a Secret key: letters, digits, "-", "_" or "."' })
      .default('DATABASE_URL'),
    /** Database user whose connection the application uses. @default - the engine's application user */
    user: objectName(63).optional(),
  })
  .strict();

const span = z.string().regex(SPAN_PATTERN, { message: 'a span of time: a whole number and s, m, h, d or w, e.g. 5m or 7d' });

/** What a database must be able to recover: synth refuses settings that cannot meet it (`pgfleet report` prints what they give). */
export const recoveryObjectives = z
  .object({
    /** The most data a total loss of the cluster may lose, e.g. `5m`. @default - no objective */
    rpo: span.optional(),
    /** How far back a restore must be able to reach, e.g. `7d`. @default - no objective */
    window: span.optional(),
  })
  .strict();

/** What a restore drill runs on the restored copy: one query and the answer it must give. */
const drillCheck = z
  .object({
    /** Database the query runs in. @default - the engine's application database */
    database: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, { message: 'a database name: letters, digits, "_" or "$"' })
      .optional(),
    /** SQL returning one value, e.g. `select count(*) from repository`. */
    query: z.string().min(1),
    /** The value is a number of at least this. @default - none (then `equals`) */
    atLeast: z.number().optional(),
    /** The value is exactly this text. @default - none (then `atLeast`) */
    equals: z.string().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const fix = c.atLeast === undefined ? 'add atLeast: <n>, e.g. a row count the data always has' : 'keep one of atLeast and equals';
    if ((c.atLeast === undefined) === (c.equals === undefined))
      issue(ctx, 'one expected result: atLeast (a number the value must reach) or equals (the exact text)', fix);
  });

/** A Secret holding a service-account key file (GCS). */
const keyFileSecret = z
  .object({
    name: objectName(253),
    /** @default credentials.json */
    key: z.string().min(1).default('credentials.json'),
  })
  .strict();

/** Credentials a drill reads the archive with: S3-style keys (Vault or a Secret), or a Secret holding a key file. */
export const drillCredentials = z.union([
  z.object({ vault: vaultCredentials }).strict(),
  z.object({ existingSecret: existingS3Secret }).strict(),
  z.object({ keyFileSecret }).strict(),
]);

/** A restore drill: each live generation's newest backup restored onto scratch, checked, recorded, removed (docs/recovery.md). */
export const drill = z
  .object({
    /** When the drill runs, five fields (a CronJob). */
    schedule: cron5,
    check: drillCheck,
    /** Keys that can only read the archive (a separate Vault role, a read-only key). @default - the backup's own (read-write) */
    credentials: drillCredentials.optional(),
    /** Image with the restore tool and PostgreSQL of the generation's major. @default - per engine (docs/<engine>.md) */
    image: z.string().min(1).optional(),
    /** Size of the scratch volume the backup is restored onto. @default - the database's storage size */
    scratchSize: quantity.optional(),
    /** The drill Job is stopped (and fails) after this long. @default 3600 */
    deadlineSeconds: z.number().int().min(300).default(3600),
  })
  .strict();

/** Fields every engine's database entry has. */
export const databaseBase = {
  /** Database name in the fleet; prefixes every object pgfleet creates for it. */
  name: objectName(),
  /** @default - `pgfleet:namespace` */
  namespace: objectName(63).optional(),
  /** PostgreSQL major version of the generations that do not set their own. */
  postgresVersion: postgresMajor,
  /** Generation names no longer wanted: their objects leave the output. @default [] */
  retired: z.array(objectName()).default([]),
  /** The generation consumers use. @default - the only live generation */
  serving: objectName().optional(),
  /** Applications wired to the serving generation. @default [] */
  consumers: z.array(consumer).default([]),
  /**
   * Dangerous changes this stack accepts, by the name `pgfleet diff` gives them
   * (e.g. `irreversible:forgejo-db`). @default []
   */
  acknowledge: z.array(z.string().min(1)).default([]),
  /** Recovery objectives (`{rpo: 5m, window: 7d}`) the settings must meet. @default - none: the guarantees are reported, not enforced */
  recovery: recoveryObjectives.optional(),
  /** A scheduled restore drill of every live generation. @default - none */
  drill: drill.optional(),
  /**
   * Delete the database on purpose, in three reviewed changes: `true` (with no consumers) lifts
   * Pulumi's protection; then every generation in `retired`; then the entry goes (README,
   * "Decommission a database"). @default false
   */
  decommission: z.boolean().default(false),
};
