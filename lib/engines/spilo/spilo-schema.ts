/**
 * Stack schema of a Spilo database (engine `spilo`): the settings of bcgov/cas-postgres' Patroni
 * chart (Spilo + pgTAP image, WAL-G to GCS). Each generation is one Helm release whose name is
 * the Patroni scope; see docs/spilo.md.
 */
import { z } from 'zod';
import { generationBase } from '../../config/generation-base';
import { cron5, databaseBase, issue, pgTime, postgresMajor, quantity, storage } from '../../config/schema-parts';
import { managedEnv } from './spilo-managed-env';

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
    cpu: cpu.optional().meta({ description: 'CPU. Default: none.', examples: ['500m'] }),
    memory: quantity.optional().meta({ description: 'Memory. Default: none.', examples: ['1Gi'] }),
  })
  .strict();

/** True when folder `outer` is `inner` or one of its parents: deleting `outer` deletes `inner`. */
export function folderContains(outer: string, inner: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}

const spiloGeneration = z
  .object({
    ...generationBase(['time', 'latest'], { upgradeFrom: true }),
    backupLocation: bucketFolder.optional().meta({
      description:
        "Folder in the bucket this generation archives to (WAL-G prefix `gs://<bucket>/<folder>`). Set it only to adopt a release that already archives there (cas-postgres' default is `wal`); it cannot change once the generation exists. Default: `<backup.location>/<name>`.",
      examples: ['wal'],
    }),
  })
  .strict();

const spiloBackup = z
  .object({
    bucket: gcsBucket.optional().meta({
      description:
        'GCS bucket WAL-G archives to (`walE.gcsBucket`); cas-postgres names it `<namespace>-<suffix>`. Required. Default: none.',
      examples: ['wksv3k-prod-ciip-backups'],
    }),
    location: bucketFolder
      .default('wal')
      .meta({ description: 'Folder below which each generation archives to its own `<location>/<generation>`.', examples: ['pgfleet'] }),
    serviceAccountKeySecret: volumeSecretName.optional().meta({
      description:
        'Existing Secret holding the GCP service-account key as `credentials.json` (`walE.kubernetesSecret`, cas-postgres: `gcp-<namespace>-<suffix>-service-account-key`); the chart mounts it at /etc/credentials. Required. Default: none.',
      examples: ['gcp-wksv3k-prod-ciip-backups-service-account-key'],
    }),
    schedule: cron5
      .default('0 1 * * *')
      .meta({ description: "Base backups: Spilo's in-pod cron (`BACKUP_SCHEDULE`), five fields.", examples: ['0 3 * * *'] }),
    retain: z
      .number()
      .int()
      .min(2, { message: 'at least 2: Spilo never keeps fewer' })
      .max(1000)
      .default(90)
      .meta({
        description:
          'Base backups kept (`BACKUP_NUM_TO_RETAIN`): Spilo deletes backups older than this many days while keeping at least this many.',
        examples: [30],
      }),
    archiveTimeout: pgTime
      .default('5min')
      .meta({ description: "`archive_timeout` (SPILO_CONFIGURATION): the RPO; Spilo's own is 1800s.", examples: ['60s'] }),
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
    engine: z.literal('spilo').meta({ description: "Spilo: a release of bcgov/cas-postgres' Patroni chart per live generation." }),
    generations: z
      .array(spiloGeneration)
      .min(1)
      .optional()
      .meta({ description: 'Generations (Helm releases = Patroni scopes). Default: one generation named after the database.' }),
    replicas: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(2)
      .meta({ description: 'Patroni members per generation (`replicaCount`).', examples: [3] }),
    image: z
      .object({
        repository: z
          .string()
          .regex(/^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/, {
            message: 'an image repository such as ghcr.io/bcgov/cas-postgres',
          })
          .default('ghcr.io/bcgov/cas-postgres')
          .meta({ description: 'Image repository.', examples: ['registry.example.com/cas-postgres'] }),
        tag: z
          .string()
          .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { message: 'an image tag such as 1.2.0' })
          .meta({ description: 'A pinned tag.', examples: ['9a6cd902e167dfc53e9588fa661a7ea03fc4729d'] }),
        pullPolicy: z.enum(['IfNotPresent', 'Always', 'Never']).default('IfNotPresent').meta({ description: 'Image pull policy.' }),
        maxPostgresVersion: postgresMajor.default(14).meta({
          description:
            "Newest PostgreSQL major the image ships binaries for (Spilo image `spilo-14` → 14). A higher PGVERSION would silently run the image's default binaries instead.",
          examples: [15],
        }),
      })
      .strict()
      .meta({ description: 'The Spilo image (cas-postgres adds pgTAP to Spilo).' }),
    chart: z
      .object({
        repository: z
          .string()
          .url()
          .default('https://bcgov.github.io/cas-postgres/')
          .meta({ description: 'Helm repository of the chart.', examples: ['https://charts.example.com/cas-postgres/'] }),
        version: z
          .string()
          .regex(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/, { message: 'a pinned chart version such as 0.21.4' })
          .default('0.21.4')
          .meta({ description: 'Pinned version of the `patroni` chart.', examples: ['0.21.4'] }),
      })
      .strict()
      .prefault({})
      .meta({ description: "Where the Patroni chart comes from. Default: bcgov/cas-postgres' repository, patroni 0.21.4." }),
    storage: storage.meta({ description: 'Data volume of each member.' }),
    dcs: z
      .object({
        configMaps: z.boolean().default(true).meta({
          description:
            'Keep leader and config in ConfigMaps `<scope>-config|-leader|-failover` instead of Endpoints: required on OpenShift. Cannot change once a generation exists.',
        }),
      })
      .strict()
      .prefault({})
      .meta({ description: "Kubernetes as Patroni's DCS." }),
    credentials: z
      .unknown()
      .meta({
        description:
          "Database passwords: `generated` = the chart's Secret `<generation>` with random passwords (`password-superuser|admin|standby`), created once when the release is installed.",
        enum: ['generated'],
        default: 'generated',
      })
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
    backup: spiloBackup.optional().meta({
      description: 'WAL-G to GCS: continuous WAL archive plus scheduled base backups. Default: none: no WAL archive and no base backups.',
    }),
    database: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, { message: 'a lower-case SQL identifier' })
      .default('postgres')
      .meta({ description: 'Database consumers connect to.', examples: ['ciip_portal'] }),
    consumerUser: z.enum(['admin', 'postgres']).default('admin').meta({
      description:
        "The Spilo user consumers connect as: `admin` (LOGIN, CREATEDB, CREATEROLE) or `postgres` (superuser); their passwords are in the chart's Secret.",
    }),
    resources: z
      .object({
        requests: resourceList.optional().meta({ description: 'Resource requests. Default: none.' }),
        limits: resourceList.optional().meta({ description: 'Resource limits. Default: none.' }),
      })
      .strict()
      .optional()
      .meta({ description: 'Resources of the Spilo container. Default: none (the chart sets no requests or limits).' }),
    env: z
      .record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { message: 'an upper-case variable name (the chart upper-cases names)' }), z.string())
      .default({})
      .meta({
        description: "Further Spilo environment variables (`env`, upper-case names; pgfleet's own are refused).",
        examples: [{ ALLOW_NOSSL: 'true' }],
      }),
    allowFrom: z
      .array(z.record(z.string().min(1), z.string()))
      .default([])
      .meta({
        description:
          'Pods allowed to connect on 5432, by labels (each entry one podSelector). Members of the same generation may always reach each other. Empty: every pod in the namespace.',
        examples: [[{ 'app.kubernetes.io/name': 'cas-ciip-portal' }]],
      }),
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
