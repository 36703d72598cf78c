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
    method: z.enum(['plugin', 'barmanObjectStore']).default('plugin').meta({
      description:
        '`plugin`: the Barman Cloud plugin with an `ObjectStore` (CNPG ≥ 1.26). `barmanObjectStore`: the in-tree `spec.backup.barmanObjectStore`, for operators below 1.26 (removed in 1.31).',
    }),
    destinationPath: z
      .string()
      .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^/\s]+)*\/$/, {
        message: 'an s3:// URL of a prefix ending in "/", e.g. s3://dal-site-backups/indigo/forgejo/postgres/',
      })
      .meta({
        description: 'Archive prefix; each cluster writes below it in a folder named by its serverName.',
        examples: ['s3://dal-site-backups/indigo/forgejo/postgres/'],
      }),
    endpointURL: httpUrl.optional().meta({
      description: 'S3-compatible endpoint (MinIO, Ceph, Linode…). Default: AWS S3.',
      examples: ['https://us-southeast-1.linodeobjects.com'],
    }),
    credentials: credentials.meta({ description: 'Where the S3 access key comes from.' }),
    compression: compression.default('gzip').meta({ description: 'Compression of base backups and WAL.' }),
    tags: z
      .record(z.string(), z.string())
      .default({})
      .meta({ description: 'Object tags on everything uploaded.', examples: [{ team: 'platform' }] }),
    retentionPolicy: z
      .string()
      .regex(/^[1-9][0-9]*[dwm]$/, { message: 'a recovery window such as 10d, 4w or 3m' })
      .default('30d')
      .meta({ description: 'Barman recovery window: days, weeks or months.', examples: ['10d', '4w'] }),
    schedule: cron6
      .default('0 0 0 * * *')
      .meta({ description: 'Base backup schedule, six fields with seconds first.', examples: ['0 0 3 * * *'] }),
    onDemand: z
      .object({ id: objectName(20).meta({ description: 'Change it to take another backup.', examples: ['before-upgrade'] }) })
      .strict()
      .optional()
      .meta({ description: 'Change this id to take one more base backup now (a `Backup` named `<cluster>-<id>`). Default: none.' }),
  })
  .strict();

/** A CloudNativePG database: one `Cluster` per live generation, sharing one archive prefix. */
export const cnpgDatabase = z
  .object({
    ...databaseBase,
    engine: z.literal('cnpg').meta({ description: 'CloudNativePG: one `Cluster` per live generation.' }),
    generations: z
      .array(cnpgGeneration)
      .min(1)
      .optional()
      .meta({ description: 'Generations (clusters) of this database. Default: one generation named after the database.' }),
    instances: z
      .number()
      .int()
      .min(1)
      .max(9)
      .default(1)
      .meta({ description: 'Postgres instances per cluster.', examples: [3] }),
    storage: storage.meta({ description: 'Data volume of each instance.' }),
    imageCatalog: z
      .object({
        kind: z
          .enum(['ClusterImageCatalog', 'ImageCatalog'])
          .default('ClusterImageCatalog')
          .meta({ description: 'A catalog of the cluster or of the namespace.' }),
        name: objectName(63)
          .default('postgresql')
          .meta({ description: 'Name of the catalog.', examples: ['postgresql-postgis'] }),
      })
      .strict()
      .default({ kind: 'ClusterImageCatalog', name: 'postgresql' })
      .meta({ description: 'The image catalog that maps majors to images.' }),
    parameters: z
      .record(z.string(), z.string())
      .default({})
      .meta({ description: 'postgresql.conf parameters.', examples: [{ shared_buffers: '256MB' }] }),
    database: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, { message: 'a lower-case SQL identifier' })
      .default('app')
      .meta({ description: 'Application database created by initdb (and kept by a restore).', examples: ['forgejo'] }),
    owner: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, { message: 'a lower-case SQL identifier' })
      .default('app')
      .meta({ description: 'Owner of that database; its credentials are in `<cluster>-app`.', examples: ['forgejo'] }),
    enableSuperuserAccess: z.boolean().default(false).meta({
      description: 'Give the `postgres` superuser a password, which CloudNativePG keeps in Secret `<cluster>-superuser`; off, it has none.',
    }),
    primaryUpdateStrategy: z
      .enum(['unsupervised', 'supervised'])
      .default('unsupervised')
      .meta({ description: 'Whether the operator switches over the primary itself during updates; `supervised` needs `instances` ≥ 2.' }),
    backup: cnpgBackup.meta({ description: 'Base backups and WAL to S3 with Barman Cloud.' }),
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
