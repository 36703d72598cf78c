/** Stack schema of a CloudNativePG database (engine `cnpg`). */
import { z } from 'zod';
import { checkCnpgAdmission } from './cnpg-admission';
import { generationBase } from '../../config/generation-base';
import { credentials, cron6, databaseBase, httpUrl, issue, objectName, storage } from '../../config/schema-parts';

const cnpgGeneration = z
  .object({
    ...generationBase(['time', 'lsn', 'name', 'latest'], { backupID: true }),
  })
  .strict()
  .superRefine((g, ctx) => {
    // CNPG picks the base backup itself only for time and LSN targets.
    if (g.restoreFrom?.targetName !== undefined && g.restoreFrom.backupID === undefined) {
      issue(
        ctx,
        'a backupID with targetName: CloudNativePG cannot choose the base backup for a named restore point',
        'add restoreFrom.backupID (see `kubectl get backups`)',
        ['restoreFrom', 'backupID'],
      );
    }
  });

// The values both the base-backup and WAL settings of Barman Cloud accept.
const compression = z.enum(['gzip', 'bzip2', 'lz4', 'snappy']);

const cnpgBackup = z
  .object({
    /**
     * `plugin`: the Barman Cloud plugin with an `ObjectStore` (CNPG ≥ 1.26). `barmanObjectStore`:
     * the in-tree `spec.backup.barmanObjectStore`, for operators below 1.26 (removed in 1.31).
     * @default plugin
     */
    method: z.enum(['plugin', 'barmanObjectStore']).default('plugin'),
    /** Archive prefix; each cluster writes below it in a folder named by its serverName. */
    destinationPath: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^/\s]+)*\/$/, {
      message: 'an s3:// URL of a prefix ending in "/", e.g. s3://dal-site-backups/indigo/forgejo/postgres/',
    }),
    /** @default - AWS S3 */
    endpointURL: httpUrl.optional(),
    /** Where the S3 access key comes from. */
    credentials,
    /** Compression of base backups and WAL. @default gzip */
    compression: compression.default('gzip'),
    /** Object tags on everything uploaded. @default {} */
    tags: z.record(z.string(), z.string()).default({}),
    /** Barman recovery window. @default 30d */
    retentionPolicy: z
      .string()
      .regex(/^[1-9][0-9]*[dwm]$/, { message: 'a recovery window such as 10d, 4w or 3m' })
      .default('30d'),
    /** Base backup schedule, six fields with seconds first. @default "0 0 0 * * *" */
    schedule: cron6.default('0 0 0 * * *'),
    /** Change this id to take one more base backup now (a `Backup` named `<cluster>-<id>`). @default - none */
    onDemand: z
      .object({ id: objectName(20) })
      .strict()
      .optional(),
  })
  .strict();

/** A CloudNativePG database: one `Cluster` per live generation, sharing one archive prefix. */
export const cnpgDatabase = z
  .object({
    ...databaseBase,
    engine: z.literal('cnpg'),
    /** Generations (clusters) of this database. @default - one generation named after the database */
    generations: z.array(cnpgGeneration).min(1).optional(),
    /** Postgres instances per cluster. @default 1 */
    instances: z.number().int().min(1).max(9).default(1),
    storage,
    /** The image catalog that maps majors to images. @default ClusterImageCatalog "postgresql" */
    imageCatalog: z
      .object({
        /** A catalog of the cluster or of the namespace. @default ClusterImageCatalog */
        kind: z.enum(['ClusterImageCatalog', 'ImageCatalog']).default('ClusterImageCatalog'),
        /** @default postgresql */
        name: objectName(63).default('postgresql'),
      })
      .strict()
      .default({ kind: 'ClusterImageCatalog', name: 'postgresql' }),
    /** postgresql.conf parameters. @default {} */
    parameters: z.record(z.string(), z.string()).default({}),
    /** Application database created by initdb (and kept by a restore). @default app */
    database: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, { message: 'a lower-case SQL identifier' })
      .default('app'),
    /** Owner of that database; its credentials are in `<cluster>-app`. @default app */
    owner: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, { message: 'a lower-case SQL identifier' })
      .default('app'),
    /** @default false */
    enableSuperuserAccess: z.boolean().default(false),
    /** @default unsupervised */
    primaryUpdateStrategy: z.enum(['unsupervised', 'supervised']).default('unsupervised'),
    backup: cnpgBackup,
  })
  .strict()
  .superRefine((db, ctx) => {
    checkCnpgAdmission(db, ctx);
    for (const [i, c] of db.consumers.entries()) {
      if (c.user !== undefined) {
        issue(ctx, 'no user: CloudNativePG publishes one application user, in <cluster>-app', 'remove user', ['consumers', i, 'user']);
      }
    }
  });

export type CnpgDatabaseSpec = z.output<typeof cnpgDatabase>;
export type CnpgGenerationSpec = z.output<typeof cnpgGeneration>;
