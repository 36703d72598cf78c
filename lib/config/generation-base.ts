/** The fields every engine's generation entry starts from. */
import { z } from 'zod';
import { backupSet, issue, objectName, postgresMajor, type RestoreFromInput, targetTime } from './schema-parts';

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
    generation: objectName().meta({ description: 'The generation (cluster name) whose backups are read.', examples: ['forgejo-db'] }),
  };
  if (kinds.includes('time'))
    fields.targetTime = targetTime.optional().meta({
      description: 'Stop at this instant, with an explicit offset. Default: the end of the archive (latest).',
      examples: ['2026-11-20T08:00:00+01:00'],
    });
  if (kinds.includes('lsn')) {
    fields.targetLSN = z
      .string()
      .regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, { message: 'a WAL location such as 0/3000060' })
      .optional()
      .meta({ description: 'Stop at this WAL location. Default: none.', examples: ['0/3000060'] });
  }
  if (kinds.includes('name'))
    fields.targetName = z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Stop at this restore point (`pg_create_restore_point`). Default: none.', examples: ['before-migration'] });
  if (kinds.includes('backupFile'))
    fields.backupFile = z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          'The dump to restore: Patroni, a path under /backups; standalone, a file name (docs/<engine>.md). Default: the newest dump.',
        examples: ['/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz', 'postgres-20261120T030000Z.sql.gz'],
      });
  if (options.backupID)
    fields.backupID = z
      .string()
      .regex(/^\d{8}T\d{6}$/, { message: 'a Barman backup ID such as 20261120T000003' })
      .optional()
      .meta({
        description: 'The base backup to start from (needed with targetName). Default: the newest before the target.',
        examples: ['20261120T000003'],
      });
  if (options.backupSet)
    fields.backupSet = backupSet.optional().meta({
      description: "The pgBackRest backup set to start from (`--set`; needed with targetName). Default: pgBackRest's choice.",
      examples: ['20261120-010003F'],
    });
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

/** `upgradeFrom`: a blue/green major upgrade starts a new generation from a live one's data. */
export const upgradeFrom = z
  .object({
    generation: objectName().meta({
      description: 'The live generation whose data the new major version starts from.',
      examples: ['site-db'],
    }),
  })
  .strict();

/**
 * Fields every generation has; engines extend it. Engines that upgrade by starting a new
 * generation (Spilo, Patroni, standalone) pass `{ upgradeFrom: true }`.
 */
export function generationBase<U extends boolean = false>(
  kinds: readonly TargetKind[],
  options: { upgradeFrom?: U; backupID?: boolean; backupSet?: boolean } = {},
) {
  const base = {
    name: objectName().meta({
      description: 'Cluster name of this generation: explicit, never hashed, stable for its whole life.',
      examples: ['forgejo-db-pg17'],
    }),
    postgresVersion: postgresMajor.optional().meta({
      description:
        "PostgreSQL major version of this generation. Default: the database's postgresVersion (a restore defaults to its source's).",
      examples: [17],
    }),
    restoreFrom: restoreFrom(kinds, options).optional().meta({
      description: "Start from another generation's backups (restore / point-in-time recovery). Default: an empty cluster (initdb).",
    }),
  };
  const withUpgrade = {
    ...base,
    upgradeFrom: upgradeFrom
      .optional()
      .meta({ description: "Start from another generation's data on a newer major. Default: an empty cluster (initdb)." }),
  };
  return (options.upgradeFrom ? withUpgrade : base) as U extends true ? typeof withUpgrade : typeof base;
}
