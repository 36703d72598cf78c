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
    size: quantity.meta({ description: 'Volume size.', examples: ['50Gi'] }),
    storageClass: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: "StorageClass of the volume. Default: the cluster's default StorageClass.",
        examples: ['netapp-block-standard'],
      }),
  })
  .strict();

/**
 * Short-lived object-store credentials minted by Vault and delivered by External Secrets
 * (ServiceAccount + VaultDynamicSecret generator + ExternalSecret).
 */
export const vaultCredentials = z
  .object({
    path: z
      .string()
      .regex(/^\/?[\w.-]+(\/[\w.-]+)*$/, { message: 'a Vault path such as /aws/creds/forgejo-db-backup' })
      .meta({ description: 'Vault path that mints the credentials.', examples: ['/aws/creds/forgejo-db-backup'] }),
    role: z
      .string()
      .min(1)
      .meta({ description: 'Vault Kubernetes-auth role the ServiceAccount logs in with.', examples: ['forgejo-db-backup'] }),
    refreshInterval: duration.default('12h').meta({ description: 'How often External Secrets mints new credentials.', examples: ['6h'] }),
    tokenTtl: duration
      .default('24h')
      .meta({ description: 'TTL of the Vault token that issues the credentials: the lease dies with it.', examples: ['48h'] }),
    server: httpUrl
      .optional()
      .meta({ description: 'Vault address. Default: `pgfleet:vault.server`.', examples: ['https://vault.example.com:8200'] }),
    mountPath: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Kubernetes auth mount. Default: `pgfleet:vault.mountPath`, else `kubernetes`.', examples: ['k8s-silver'] }),
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
    name: objectName(253).meta({ description: "Name of the Secret, in the database's namespace.", examples: ['forgejo-db-backup-s3'] }),
    accessKeyIdKey: z
      .string()
      .min(1)
      .default('access_key')
      .meta({ description: 'Key of the Secret holding the access key id.', examples: ['AWS_ACCESS_KEY_ID'] }),
    secretAccessKeyKey: z
      .string()
      .min(1)
      .default('secret_key')
      .meta({ description: 'Key of the Secret holding the secret access key.', examples: ['AWS_SECRET_ACCESS_KEY'] }),
  })
  .strict();

const VAULT_KEYS = 'Keys minted by Vault and delivered by External Secrets into a Secret pgfleet names.';
const SECRET_KEYS = 'A Secret that exists in the namespace, holding the keys.';

/** Where object-store credentials come from: Vault through External Secrets, or a Secret that exists. */
export const credentials = z.union([
  z.object({ vault: vaultCredentials.meta({ description: VAULT_KEYS }) }).strict(),
  z.object({ existingSecret: existingS3Secret.meta({ description: SECRET_KEYS }) }).strict(),
]);

export type CredentialsSpec = z.output<typeof credentials>;
export type VaultCredentialsSpec = z.output<typeof vaultCredentials>;

/** A pgBackRest backup label, as `pgbackrest info` lists it: a full backup, or a differential or incremental one on top of it. */
export const backupSet = z.string().regex(/^\d{8}-\d{6}F(_\d{8}-\d{6}[DI])?$/, {
  message: 'a pgBackRest backup label such as 20261120-010003F or 20261120-010003F_20261121-010002I (`pgbackrest info`)',
});

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
    app: objectName(63).meta({ description: 'The application (Deployment) name, for review and the runbook.', examples: ['forgejo'] }),
    secretName: objectName(253).meta({
      description: 'The Secret the application reads; pgfleet owns it through an ExternalSecret.',
      examples: ['forgejo-database'],
    }),
    key: z
      .string()
      .regex(/^[-._a-zA-Z0-9]+$/, { message: 'a Secret key: letters, digits, "-", "_" or "."' })
      .default('DATABASE_URL')
      .meta({ description: 'Key in that Secret.', examples: ['POSTGRES_URI'] }),
    user: objectName(63)
      .optional()
      .meta({
        description: "Database user whose connection the application uses. Default: the engine's application user.",
        examples: ['api'],
      }),
  })
  .strict();

const span = z.string().regex(SPAN_PATTERN, { message: 'a span of time: a whole number and s, m, h, d or w, e.g. 5m or 7d' });

/** What a database must be able to recover: synth refuses settings that cannot meet it (`pgfleet report` prints what they give). */
export const recoveryObjectives = z
  .object({
    rpo: span
      .optional()
      .meta({ description: 'The most data a total loss of the cluster may lose. Default: no objective.', examples: ['5m'] }),
    window: span.optional().meta({ description: 'How far back a restore must be able to reach. Default: no objective.', examples: ['7d'] }),
  })
  .strict();

/** What a restore drill runs on the restored copy: one query and the answer it must give. */
const drillCheck = z
  .object({
    database: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/, { message: 'a database name: letters, digits, "_" or "$"' })
      .optional()
      .meta({ description: "Database the query runs in. Default: the engine's application database.", examples: ['forgejo'] }),
    query: z
      .string()
      .min(1)
      .meta({ description: 'SQL returning one value.', examples: ['select count(*) from repository'] }),
    atLeast: z
      .number()
      .optional()
      .meta({ description: 'The value is a number of at least this. Default: none (then `equals`).', examples: [1] }),
    equals: z
      .string()
      .optional()
      .meta({ description: 'The value is exactly this text. Default: none (then `atLeast`).', examples: ['t'] }),
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
    name: objectName(253).meta({ description: "Name of the Secret, in the database's namespace.", examples: ['gcp-drill-reader-key'] }),
    key: z
      .string()
      .min(1)
      .default('credentials.json')
      .meta({ description: 'Key of the Secret holding the key file.', examples: ['gcs-key.json'] }),
  })
  .strict();

/** Credentials a drill reads the archive with: S3-style keys (Vault or a Secret), or a Secret holding a key file. */
export const drillCredentials = z.union([
  z.object({ vault: vaultCredentials.meta({ description: VAULT_KEYS }) }).strict(),
  z.object({ existingSecret: existingS3Secret.meta({ description: SECRET_KEYS }) }).strict(),
  z
    .object({
      keyFileSecret: keyFileSecret.meta({
        description: 'A Secret that exists in the namespace, holding a service-account key file (GCS).',
      }),
    })
    .strict(),
]);

/** A restore drill: each live generation's newest backup restored onto scratch, checked, recorded, removed (docs/recovery.md). */
export const drill = z
  .object({
    schedule: cron5.meta({ description: 'When the drill runs, five fields (a CronJob).', examples: ['0 6 * * 0'] }),
    check: drillCheck.meta({ description: 'What the drill runs on the restored copy: one query and the answer it must give.' }),
    credentials: drillCredentials.optional().meta({
      description: "Keys that can only read the archive (a separate Vault role, a read-only key). Default: the backup's own (read-write).",
    }),
    image: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: "Image with the restore tool and PostgreSQL of the generation's major. Default: per engine (docs/<engine>.md).",
        examples: ['ghcr.io/cloudnative-pg/postgresql:17'],
      }),
    scratchSize: quantity.optional().meta({
      description: "Size of the scratch volume the backup is restored onto. Default: the database's storage size.",
      examples: ['20Gi'],
    }),
    deadlineSeconds: z
      .number()
      .int()
      .min(300)
      .default(3600)
      .meta({ description: 'The drill Job is stopped (and fails) after this many seconds.', examples: [7200] }),
  })
  .strict();

/** Fields every engine's database entry has. */
export const databaseBase = {
  name: objectName().meta({
    description: 'Database name in the fleet; prefixes every object pgfleet creates for it.',
    examples: ['forgejo-db'],
  }),
  namespace: objectName(63)
    .optional()
    .meta({ description: 'Namespace of the database. Default: `pgfleet:namespace`.', examples: ['forgejo'] }),
  postgresVersion: postgresMajor.meta({
    description: 'PostgreSQL major version of the generations that do not set their own.',
    examples: [17],
  }),
  retired: z
    .array(objectName())
    .default([])
    .meta({ description: 'Generation names no longer wanted: their objects leave the output.', examples: [['forgejo-db']] }),
  serving: objectName()
    .optional()
    .meta({ description: 'The generation consumers use. Default: the only live generation.', examples: ['forgejo-db-pg17'] }),
  consumers: z.array(consumer).default([]).meta({ description: 'Applications wired to the serving generation.' }),
  acknowledge: z
    .array(z.string().min(1))
    .default([])
    .meta({
      description: 'Dangerous changes this stack accepts, by the name `pgfleet diff` gives them.',
      examples: [['irreversible:forgejo-db']],
    }),
  recovery: recoveryObjectives.optional().meta({
    description:
      'Recovery objectives (`{rpo: 5m, window: 7d}`) the settings must meet. Default: none: the guarantees are reported, not enforced.',
  }),
  drill: drill.optional().meta({ description: 'A scheduled restore drill of every live generation. Default: none.' }),
  decommission: z.boolean().default(false).meta({
    description:
      'Delete the database on purpose, in three reviewed changes: `true` (with no consumers) lifts Pulumi\'s protection; then every generation in `retired`; then the entry goes (README, "Decommission a database").',
  }),
};
