/**
 * Stack schema of a Spilo database (engine `spilo`): the settings of bcgov/cas-postgres' Patroni
 * chart (Spilo + pgTAP image, WAL-G to GCS). Each generation is one Helm release whose name is
 * the Patroni scope; see docs/spilo.md.
 */
import { z } from 'zod';
import { cron5, databaseBase, generationBase, issue, postgresMajor, quantity, storage } from './common';

/** A folder inside a bucket: `wal`, `wal/cas-ciip-portal-patroni`; no leading/trailing "/", no "." or ".." segments. */
export const bucketFolder = z.string().regex(/^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, {
  message: 'a folder inside the bucket such as wal or wal/cas-ciip-portal-patroni (no leading or trailing "/")',
});

/** GCS bucket names: 3-63 characters, lower-case letters, digits, "-", "_" and ".". */
const gcsBucket = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, {
  message: 'a GCS bucket name such as wksv3k-prod-ciip-backups (lower-case letters, digits, "-", "_", ".")',
});

/** The chart also uses the Secret's name as a volume name, so it must be a DNS-1123 label. */
const volumeSecretName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'a Secret name usable as a volume name: lower-case letters, digits and "-"' }).max(63);

/** CPU as Kubernetes writes it: `500m`, `1`, `1.5`. */
const cpu = z.string().regex(/^[0-9]+(\.[0-9]+)?m?$/, { message: 'a CPU quantity such as 500m or 2' });

const resourceList = z
  .object({
    /** @default - none */
    cpu: cpu.optional(),
    /** @default - none */
    memory: quantity.optional(),
  })
  .strict();

/**
 * Environment variables pgfleet sets itself (from the chart or from the generation's variant).
 * Setting them by hand would let a typo silently skip a clone or archive into another scope's prefix.
 */
export const MANAGED_ENV = /^(SCOPE|PGVERSION|PGROOT|PGPASSWORD_.*|PGUSER_.*|CLONE_.*|STANDBY_.*|USE_WALG.*|USE_WALE|WAL_.*_BUCKET|WALE_.*|WALG_.*_PREFIX|GOOGLE_APPLICATION_CREDENTIALS|BACKUP_SCHEDULE|BACKUP_NUM_TO_RETAIN|DCS_ENABLE_KUBERNETES_API|KUBERNETES_.*|POD_NAMESPACE)$/;

const spiloGeneration = z
  .object({
    ...generationBase(['time', 'latest'], { upgradeFrom: true }),
    /**
     * Folder in the bucket this generation archives to (WAL-G prefix `gs://<bucket>/<folder>`).
     * Set it only to adopt a release that already archives there (cas-postgres' default is `wal`);
     * it cannot change once the generation exists.
     * @default - `<backup.location>/<name>`
     */
    backupLocation: bucketFolder.optional(),
  })
  .strict();

const spiloBackup = z
  .object({
    /** GCS bucket WAL-G archives to (`walE.gcsBucket`); cas-postgres names it `<namespace>-<suffix>`. */
    bucket: gcsBucket.optional(),
    /** Folder below which each generation archives to its own `<location>/<generation>`. @default wal */
    location: bucketFolder.default('wal'),
    /**
     * Existing Secret holding the GCP service-account key as `credentials.json` (`walE.kubernetesSecret`,
     * cas-postgres: `gcp-<namespace>-<suffix>-service-account-key`); the chart mounts it at /etc/credentials.
     */
    serviceAccountKeySecret: volumeSecretName.optional(),
    /** Base backups: Spilo's in-pod cron (`BACKUP_SCHEDULE`), five fields. @default "0 1 * * *" */
    schedule: cron5.default('0 1 * * *'),
    /**
     * Base backups kept (`BACKUP_NUM_TO_RETAIN`): Spilo deletes backups older than this many days
     * while keeping at least this many. @default 90
     */
    retain: z.number().int().min(2, { message: 'at least 2: Spilo never keeps fewer' }).max(1000).default(90),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.bucket === undefined) {
      issue(ctx, 'the GCS bucket WAL-G archives to: restores and upgrades clone from it', 'add backup.bucket, e.g. wksv3k-prod-ciip-backups', ['bucket']);
    }
    if (b.serviceAccountKeySecret === undefined) {
      issue(ctx, 'the existing Secret with the service-account key (key credentials.json) that can write the bucket', 'add backup.serviceAccountKeySecret, e.g. gcp-wksv3k-prod-ciip-backups-service-account-key', ['serviceAccountKeySecret']);
    }
  });

/** A Spilo database: one cas-postgres Patroni chart release per live generation. */
export const spiloDatabase = z
  .object({
    ...databaseBase,
    engine: z.literal('spilo'),
    /** Generations (Helm releases = Patroni scopes). @default - one generation named after the database */
    generations: z.array(spiloGeneration).min(1).optional(),
    /** Patroni members per generation (`replicaCount`). @default 2 */
    replicas: z.number().int().min(1).max(9).default(2),
    /** The Spilo image (cas-postgres adds pgTAP to Spilo). */
    image: z
      .object({
        /** @default ghcr.io/bcgov/cas-postgres */
        repository: z.string().regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/, { message: 'an image repository such as ghcr.io/bcgov/cas-postgres' }).default('ghcr.io/bcgov/cas-postgres'),
        /** A pinned tag. */
        tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { message: 'an image tag such as 1.2.0' }),
        /** @default IfNotPresent */
        pullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).default('IfNotPresent'),
        /**
         * Newest PostgreSQL major the image ships binaries for (Spilo image `spilo-14` → 14). A
         * higher PGVERSION would silently run the image's default binaries instead.
         * @default 14
         */
        maxPostgresVersion: postgresMajor.default(14),
      })
      .strict(),
    /** Where the Patroni chart comes from. @default - bcgov/cas-postgres' repository, patroni 0.21.4 */
    chart: z
      .object({
        /** @default https://bcgov.github.io/cas-postgres/ */
        repository: z.string().url().default('https://bcgov.github.io/cas-postgres/'),
        /** @default 0.21.4 */
        version: z.string().regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, { message: 'a pinned chart version such as 0.21.4' }).default('0.21.4'),
      })
      .strict()
      .prefault({}),
    storage,
    /** Kubernetes as Patroni's DCS. */
    dcs: z
      .object({
        /**
         * Keep leader and config in ConfigMaps `<scope>-config|-leader|-failover` instead of
         * Endpoints: required on OpenShift. Cannot change once a generation exists.
         * @default true
         */
        configMaps: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    /**
     * Database passwords: `generated` = the chart's Secret `<generation>` with random passwords
     * (`password-superuser|admin|standby`), created once when the release is installed.
     * @default generated
     */
    credentials: z
      .unknown()
      .meta({ enum: ['generated'], default: 'generated' })
      .optional()
      .superRefine((v, ctx) => {
        // A check rather than an enum: a failed enum would stop the database-level checks below.
        if (v === undefined || v === 'generated') return;
        issue(
          ctx,
          '"generated": the chart always creates Secret <generation> with random passwords when the release is installed and its StatefulSet reads only that Secret, so no value can name an existing one',
          'remove credentials; consumers receive each generation\'s passwords through their ExternalSecret',
        );
      })
      .transform((): 'generated' => 'generated'),
    /** WAL-G to GCS: continuous WAL archive plus scheduled base backups. */
    backup: spiloBackup.optional(),
    /** Database consumers connect to. @default postgres */
    database: z.string().regex(/^[a-z_][a-z0-9_]*$/, { message: 'a lower-case SQL identifier' }).default('postgres'),
    /**
     * The Spilo user consumers connect as: `admin` (LOGIN, CREATEDB, CREATEROLE) or `postgres`
     * (superuser); their passwords are in the chart's Secret.
     * @default admin
     */
    consumerUser: z.enum(['admin', 'postgres']).default('admin'),
    /** @default - none (the chart sets no requests or limits) */
    resources: z.object({ requests: resourceList.optional(), limits: resourceList.optional() }).strict().optional(),
    /** Further Spilo environment variables (`env`, upper-case names; pgfleet's own are refused). @default {} */
    env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'an upper-case variable name (the chart upper-cases names)' }), z.string()).default({}),
    /**
     * Pods allowed to connect on 5432, by labels (each entry one podSelector). Members of the
     * same generation may always reach each other.
     * @default [] - every pod in the namespace
     */
    allowFrom: z.array(z.record(z.string().min(1), z.string())).default([]),
  })
  .strict()
  .superRefine((db, ctx) => {
    if (db.backup === undefined) {
      issue(ctx, 'WAL-G backups to a GCS bucket: point-in-time recovery and upgrades clone from them', 'add backup: {bucket: <bucket>, serviceAccountKeySecret: <secret>}', ['backup']);
    }
    const max = db.image.maxPostgresVersion;
    if (db.postgresVersion > max) {
      issue(ctx, `a major the image ships (up to ${max}): Spilo falls back to its default binaries for a missing PGVERSION`, `use an image with PostgreSQL ${db.postgresVersion} and raise image.maxPostgresVersion, or keep ${max} or lower`, ['postgresVersion']);
    }
    for (const [gi, g] of (db.generations ?? []).entries()) {
      if (g.postgresVersion !== undefined && g.postgresVersion > max) {
        issue(ctx, `a major the image ships (up to ${max})`, `use an image with PostgreSQL ${g.postgresVersion} and raise image.maxPostgresVersion`, ['generations', gi, 'postgresVersion']);
      }
    }
    if (db.image.tag === 'latest') {
      issue(ctx, 'a pinned tag: with "latest" a pod restart may run another PostgreSQL build than its replicas', 'name the image version, e.g. the tag of a cas-postgres release', ['image', 'tag']);
    }
    for (const key of Object.keys(db.env)) {
      if (MANAGED_ENV.test(key)) {
        issue(ctx, 'a variable pgfleet does not set itself: scope, PGVERSION, passwords, WAL-G and CLONE_* come from the stack', `remove env.${key}; use postgresVersion, backup or restoreFrom instead`, ['env', key]);
      }
    }
    for (const [i, c] of db.consumers.entries()) {
      if (c.user !== undefined) {
        issue(ctx, 'no per-consumer user: the chart publishes the admin and postgres passwords only', 'remove user and set consumerUser on the database', ['consumers', i, 'user']);
      }
    }
    // Each generation archives to its own folder; two sharing one would mix their WAL histories.
    const owner = new Map<string, number>();
    const gens = db.generations ?? [{ name: db.name, backupLocation: undefined }];
    gens.forEach((g, gi) => {
      const folder = g.backupLocation ?? `${db.backup?.location ?? 'wal'}/${g.name}`;
      const other = owner.get(folder);
      if (other !== undefined) {
        issue(ctx, `a folder no other generation archives to (${gens[other].name} uses ${folder})`, 'remove backupLocation, so the generation archives to <backup.location>/<name>', db.generations ? ['generations', gi, 'backupLocation'] : ['backup', 'location']);
      } else owner.set(folder, gi);
    });
  });

export type SpiloDatabaseSpec = z.output<typeof spiloDatabase>;
export type SpiloGenerationSpec = z.output<typeof spiloGeneration>;
