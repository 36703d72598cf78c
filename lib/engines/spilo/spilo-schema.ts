/**
 * Stack schema of a Spilo database (engine `spilo`): the settings of bcgov/cas-postgres' Patroni
 * chart (Spilo + pgTAP image, WAL-G to GCS). Each generation is one Helm release whose name is
 * the Patroni scope; see docs/spilo.md.
 */
import { z } from 'zod';
import { generationBase } from '../../config/generation-base';
import { cron5, databaseBase, issue, pgTime, postgresMajor, quantity, storage } from '../../config/schema-parts';

/** A folder inside a bucket: `wal`, `wal/cas-ciip-portal-patroni`; no leading/trailing "/", no "." or ".." segments. */
export const bucketFolder = z.string().regex(/^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, {
  message: 'a folder inside the bucket such as wal or wal/cas-ciip-portal-patroni (no leading or trailing "/")',
});

/** GCS bucket names: 3-63 characters, lower-case letters, digits, "-", "_" and ".". */
const gcsBucket = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, {
  message: 'a GCS bucket name such as wksv3k-prod-ciip-backups (lower-case letters, digits, "-", "_", ".")',
});

/** The chart also uses the Secret's name as a volume name, so it must be a DNS-1123 label. */
const volumeSecretName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'a Secret name usable as a volume name: lower-case letters, digits and "-"' })
  .max(63);

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

/** A Spilo variable `env` may not set, and what to use instead. */
interface ManagedEnv {
  readonly pattern: RegExp;
  /** Why pgfleet owns it (completes "a variable pgfleet does not leave to env: ..."). */
  readonly why: string;
  /** The typed field to set instead, or that pgfleet does not support it. */
  readonly instead: string;
}

/**
 * Environment variables pgfleet sets itself (from the chart or from the generation's variant), or
 * that would override what it sets. Setting them by hand would let a typo silently skip a clone,
 * archive into another scope's prefix or run another major than PGVERSION.
 */
export const MANAGED_ENV: readonly ManagedEnv[] = [
  { pattern: /^SCOPE$/, why: 'the Patroni scope is the generation name', instead: 'name the generation (generations[].name)' },
  {
    pattern: /^PGVERSION$/,
    why: 'the major is pinned per generation',
    instead: 'use postgresVersion (a new major is a new generation with upgradeFrom)',
  },
  {
    pattern: /^(PGROOT|PGDATA|PGHOME)$/,
    why: "the data directory lives on the chart's volume",
    instead: 'pgfleet does not support moving it',
  },
  {
    pattern: /^(PGPASSWORD|PGUSER)_.*$/,
    why: "the users and passwords are the chart's Secret",
    instead: 'use consumerUser (the passwords are generated)',
  },
  { pattern: /^CLONE_.*$/, why: "a clone is a new generation's bootstrap", instead: 'use restoreFrom or upgradeFrom on a new generation' },
  { pattern: /^STANDBY_.*$/, why: 'a standby cluster replays another archive', instead: 'pgfleet does not support standby clusters' },
  {
    pattern: /^(USE_WALG.*|USE_WALE|WAL_.*_BUCKET|WALE_.*|WALG_.*_PREFIX|WAL_BUCKET_SCOPE_(PREFIX|SUFFIX))$/,
    why: 'each generation archives to its own WAL-G prefix, recorded in pgfleet-state.json',
    instead: 'use backup.bucket, backup.location or generations[].backupLocation',
  },
  { pattern: /^GOOGLE_APPLICATION_CREDENTIALS$/, why: 'the chart mounts the key Secret', instead: 'use backup.serviceAccountKeySecret' },
  { pattern: /^BACKUP_SCHEDULE$/, why: 'it comes from the backup settings', instead: 'use backup.schedule' },
  { pattern: /^BACKUP_NUM_TO_RETAIN$/, why: 'it comes from the backup settings', instead: 'use backup.retain' },
  { pattern: /^(DCS_ENABLE_KUBERNETES_API|KUBERNETES_.*)$/, why: "Patroni's DCS store is fixed per scope", instead: 'use dcs.configMaps' },
  { pattern: /^POD_NAMESPACE$/, why: 'the chart sets it from the pod', instead: 'use namespace' },
  {
    pattern: /^(SPILO_CONFIGURATION|PATRONI_CONFIGURATION)$/,
    why: 'it replaces parts of the Patroni configuration Spilo writes (a postgresql.bin_dir there runs another major than PGVERSION, a bootstrap section another clone)',
    instead: 'pgfleet does not support it: set the major with postgresVersion and clones with restoreFrom or upgradeFrom',
  },
  {
    // Patroni patches its configuration file with these (PATRONI_POSTGRESQL_BIN_DIR, PATRONI_SCOPE,
    // PATRONI_KUBERNETES_*, ...); log settings are harmless.
    pattern: /^PATRONI_(?!LOG_).*$/,
    why: 'Patroni overrides its configuration file with PATRONI_* variables (PATRONI_POSTGRESQL_BIN_DIR runs another major than PGVERSION, PATRONI_SCOPE another scope)',
    instead: 'pgfleet does not support it (PATRONI_LOG_* is allowed)',
  },
];

/** What pgfleet says about an `env` key it refuses, or undefined when the key is free. */
export function managedEnv(key: string): ManagedEnv | undefined {
  return MANAGED_ENV.find((m) => m.pattern.test(key));
}

/** True when folder `outer` is `inner` or one of its parents: deleting `outer` deletes `inner`. */
export function folderContains(outer: string, inner: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}

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
    /** GCS bucket WAL-G archives to (`walE.gcsBucket`); cas-postgres names it `<namespace>-<suffix>`. Required. @default - none */
    bucket: gcsBucket.optional(),
    /** Folder below which each generation archives to its own `<location>/<generation>`. @default wal */
    location: bucketFolder.default('wal'),
    /**
     * Existing Secret holding the GCP service-account key as `credentials.json` (`walE.kubernetesSecret`,
     * cas-postgres: `gcp-<namespace>-<suffix>-service-account-key`); the chart mounts it at /etc/credentials.
     * Required. @default - none
     */
    serviceAccountKeySecret: volumeSecretName.optional(),
    /** Base backups: Spilo's in-pod cron (`BACKUP_SCHEDULE`), five fields. @default "0 1 * * *" */
    schedule: cron5.default('0 1 * * *'),
    /**
     * Base backups kept (`BACKUP_NUM_TO_RETAIN`): Spilo deletes backups older than this many days
     * while keeping at least this many. @default 90
     */
    retain: z.number().int().min(2, { message: 'at least 2: Spilo never keeps fewer' }).max(1000).default(90),
    /** `archive_timeout` (SPILO_CONFIGURATION): the RPO; Spilo's own is 1800s. @default 5min */
    archiveTimeout: pgTime.default('5min'),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.bucket === undefined) {
      issue(
        ctx,
        'the GCS bucket WAL-G archives to: restores and upgrades clone from it',
        'add backup.bucket, e.g. wksv3k-prod-ciip-backups',
        ['bucket'],
      );
    }
    if (b.serviceAccountKeySecret === undefined) {
      issue(
        ctx,
        'the existing Secret with the service-account key (key credentials.json) that can write the bucket',
        'add backup.serviceAccountKeySecret, e.g. gcp-wksv3k-prod-ciip-backups-service-account-key',
        ['serviceAccountKeySecret'],
      );
    }
  });

/** A folder some generation of the database archives to, and where the stack sets it. */
export interface FolderOwner {
  readonly name: string;
  readonly folder: string;
  /** Set with backupLocation rather than derived from backup.location. */
  readonly explicit: boolean;
  readonly path: (string | number)[];
}

export interface FolderInput {
  readonly name: string;
  readonly generations?: readonly { readonly name: string; readonly backupLocation?: string }[];
  readonly retired: readonly string[];
  readonly backup?: { readonly location: string };
}

/**
 * The folders a database's generations archive to: every listed generation (retired ones too: their
 * archives stay until deleted by hand), and retired generations no longer listed at their default
 * folder. Paths are relative to the database entry.
 */
export function archiveFolders(db: FolderInput): FolderOwner[] {
  const location = db.backup?.location ?? 'wal';
  const listed = db.generations ?? [{ name: db.name }];
  const owners: FolderOwner[] = listed.map((g, gi) => ({
    name: g.name,
    folder: g.backupLocation ?? `${location}/${g.name}`,
    explicit: g.backupLocation !== undefined,
    path: db.generations ? ['generations', gi, 'backupLocation'] : ['backup', 'location'],
  }));
  db.retired.forEach((name, ri) => {
    if (!listed.some((g) => g.name === name)) owners.push({ name, folder: `${location}/${name}`, explicit: false, path: ['retired', ri] });
  });
  return owners;
}

/**
 * No folder a generation archives to (listed or retired) may equal, hold or lie inside another's:
 * two WAL histories in one prefix break restores, and `pgfleet plan` tells to delete a retired
 * generation's archive, which deletes everything below its prefix.
 */
function checkFolders(db: FolderInput, ctx: z.RefinementCtx): void {
  if (db.backup === undefined) return;
  const location = db.backup.location;
  const owners = archiveFolders(db);
  // A folder holding backup.location holds every generation archiving to <backup.location>/<name>, present or future.
  const holders = owners.filter((o) => o.explicit && folderContains(o.folder, location));
  for (const h of holders) {
    const beside = folderContains('pgfleet', h.folder) || folderContains(h.folder, 'pgfleet') ? `${h.folder}-pgfleet` : 'pgfleet';
    issue(
      ctx,
      `a backup.location outside ${h.folder}, where ${h.name} archives (backup.location is ${location}): generations without backupLocation archive to <backup.location>/<name>, inside ${h.folder}, and deleting ${h.name}'s archive once it is retired would delete theirs`,
      `set backup.location to a folder beside ${h.folder}, e.g. backup.location: ${beside} (new generations then archive to ${beside}/<name>); if ${h.name} is new, give it a folder outside ${location} instead`,
      ['backup', 'location'],
    );
  }
  owners.forEach((b, bi) => {
    for (const a of owners.slice(0, bi)) {
      // Same name twice is resolve's error; two derived folders never overlap (names hold no "/").
      if (a.name === b.name || (!a.explicit && !b.explicit)) continue;
      if (!folderContains(a.folder, b.folder) && !folderContains(b.folder, a.folder)) continue;
      if ((holders.includes(a) && !b.explicit) || (holders.includes(b) && !a.explicit)) continue;
      const [blamed, other] = b.explicit ? [b, a] : [a, b];
      const relation = blamed.folder === other.folder ? 'is' : folderContains(blamed.folder, other.folder) ? 'holds' : 'lies inside';
      issue(
        ctx,
        `a folder that neither is, holds nor lies inside another generation's (it ${relation} ${other.folder}, where ${other.name} archives): one WAL history per prefix, and deleting a retired generation's archive must never delete another's`,
        `choose a folder beside ${other.folder} for ${blamed.name}, or remove backupLocation so it archives to ${location}/${blamed.name}`,
        blamed.path,
      );
    }
  });
}

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
        repository: z
          .string()
          .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/, {
            message: 'an image repository such as ghcr.io/bcgov/cas-postgres',
          })
          .default('ghcr.io/bcgov/cas-postgres'),
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
        version: z
          .string()
          .regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, { message: 'a pinned chart version such as 0.21.4' })
          .default('0.21.4'),
      })
      .strict()
      .prefault({}),
    storage,
    /** Kubernetes as Patroni's DCS. @default {} (ConfigMaps) */
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
          "remove credentials; consumers receive each generation's passwords through their ExternalSecret",
        );
      })
      .transform((): 'generated' => 'generated'),
    /** WAL-G to GCS: continuous WAL archive plus scheduled base backups. @default - none: no WAL archive and no base backups */
    backup: spiloBackup.optional(),
    /** Database consumers connect to. @default postgres */
    database: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, { message: 'a lower-case SQL identifier' })
      .default('postgres'),
    /**
     * The Spilo user consumers connect as: `admin` (LOGIN, CREATEDB, CREATEROLE) or `postgres`
     * (superuser); their passwords are in the chart's Secret.
     * @default admin
     */
    consumerUser: z.enum(['admin', 'postgres']).default('admin'),
    /** @default - none (the chart sets no requests or limits) */
    resources: z
      .object({
        /** @default - none */
        requests: resourceList.optional(),
        /** @default - none */
        limits: resourceList.optional(),
      })
      .strict()
      .optional(),
    /** Further Spilo environment variables (`env`, upper-case names; pgfleet's own are refused). @default {} */
    env: z
      .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'an upper-case variable name (the chart upper-cases names)' }), z.string())
      .default({}),
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
      issue(
        ctx,
        'WAL-G backups to a GCS bucket: point-in-time recovery and upgrades clone from them',
        'add backup: {bucket: <bucket>, serviceAccountKeySecret: <secret>}',
        ['backup'],
      );
    }
    const max = db.image.maxPostgresVersion;
    if (db.postgresVersion > max) {
      issue(
        ctx,
        `a major the image ships (up to ${max}): Spilo falls back to its default binaries for a missing PGVERSION`,
        `use an image with PostgreSQL ${db.postgresVersion} and raise image.maxPostgresVersion, or keep ${max} or lower`,
        ['postgresVersion'],
      );
    }
    for (const [gi, g] of (db.generations ?? []).entries()) {
      if (g.postgresVersion !== undefined && g.postgresVersion > max) {
        issue(
          ctx,
          `a major the image ships (up to ${max})`,
          `use an image with PostgreSQL ${g.postgresVersion} and raise image.maxPostgresVersion`,
          ['generations', gi, 'postgresVersion'],
        );
      }
    }
    if (db.image.tag === 'latest') {
      issue(
        ctx,
        'a pinned tag: with "latest" a pod restart may run another PostgreSQL build than its replicas',
        'name the image version, e.g. the tag of a cas-postgres release',
        ['image', 'tag'],
      );
    }
    for (const key of Object.keys(db.env)) {
      const managed = managedEnv(key);
      if (managed)
        issue(ctx, `a variable pgfleet does not leave to env: ${managed.why}`, `remove env.${key}; ${managed.instead}`, ['env', key]);
    }
    for (const [i, c] of db.consumers.entries()) {
      if (c.user !== undefined) {
        issue(
          ctx,
          'no per-consumer user: the chart publishes the admin and postgres passwords only',
          'remove user and set consumerUser on the database',
          ['consumers', i, 'user'],
        );
      }
    }
    checkFolders(db, ctx);
  });

export type SpiloDatabaseSpec = z.output<typeof spiloDatabase>;
export type SpiloGenerationSpec = z.output<typeof spiloGeneration>;
