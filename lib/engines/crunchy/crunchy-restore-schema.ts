/**
 * The in-place restore of a Crunchy PGO database's stack schema, and the shell-safety rule every
 * pgBackRest restore target shares.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/disaster-recovery
 */
import { z } from 'zod';
import { backupSet, issue, targetTime } from '../../config/schema-parts';
import { repoName } from './crunchy-repo-schema';

/**
 * The pgBackRest `--target` value travels through a shell in PGO's restore Job
 * (`bash -xc "pgbackrest restore ${opts}"`): refuse characters a shell would interpret.
 */
const SHELL_SAFE = /^[A-Za-z0-9 _.:+/-]+$/;

/** Refuses a restore point name (`--target`) that PGO's restore Job would pass to a shell unquoted. */
export function checkRestorePointName(ctx: z.RefinementCtx, name: string | undefined, path: (string | number)[]): void {
  // PostgreSQL's MAXFNAMELEN: pg_create_restore_point() refuses longer names, so none can match.
  if (name !== undefined && name.length >= 64) {
    issue(
      ctx,
      `a restore point name of at most 63 characters (this one has ${name.length}): PostgreSQL creates no longer one`,
      'use the name exactly as it was given to pg_create_restore_point()',
      path,
    );
  }
  if (name !== undefined && !SHELL_SAFE.test(name)) {
    issue(
      ctx,
      'a restore point name of letters, digits, space, "_", ".", ":", "+", "/" and "-": PGO passes it through a shell',
      'rename the restore point',
      path,
    );
  }
}

/**
 * pgBackRest chooses the backup set itself only for time and LSN targets; for a restore point it
 * takes the newest set, and a restore point written before that set ended is never reached
 * (PostgreSQL stops with "recovery ended before configured recovery target was reached").
 */
export function checkBackupSetForName(
  ctx: z.RefinementCtx,
  r: { readonly targetName?: string; readonly backupSet?: string } | undefined,
  source: string,
  path: (string | number)[],
): void {
  if (r?.targetName === undefined || r.backupSet !== undefined) return;
  issue(
    ctx,
    'a backupSet with targetName: pgBackRest starts a restore to a named restore point from the newest backup set, which may have ended after the restore point was written',
    `add backupSet: the label of the newest backup of ${source} that ended before the restore point was created, as \`pgbackrest info\` in its database container lists it (e.g. 20261120-010003F)`,
    [...path, 'backupSet'],
  );
}

/** Which pgBackRest target kinds pgfleet renders (`--type=time|lsn|name`, or none for the end of WAL). */
const TARGET_FIELDS = ['targetTime', 'targetLSN', 'targetName'] as const;

/**
 * In-place restore of a live generation (`backups.pgbackrest.restore` + annotation
 * `postgres-operator.crunchydata.com/pgbackrest-restore`): PGO stops the cluster and overwrites its
 * data. Requires `destroys-data:<generation>` in the database's acknowledge list.
 */
export const restoreInPlace = z
  .object({
    id: z
      .string()
      .max(63)
      .regex(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, { message: 'letters, digits, "-", "_" and "."' })
      .meta({ description: 'Becomes the `pgbackrest-restore` annotation; change it to restore again.', examples: ['2026-11-20-restore'] }),
    repoName: repoName
      .optional()
      .meta({ description: 'Repository the restore reads. Default: the first repository.', examples: ['repo2'] }),
    targetTime: targetTime
      .optional()
      .meta({ description: 'Stop at this instant (explicit offset). Default: replay all WAL.', examples: ['2026-11-20T08:00:00+01:00'] }),
    targetLSN: z
      .string()
      .regex(/^[0-9A-Fa-f]{1,8}\/[0-9A-Fa-f]{1,8}$/, { message: 'a WAL location such as 0/3000060' })
      .optional()
      .meta({ description: 'Stop at this WAL location. Default: none.', examples: ['0/3000060'] }),
    targetName: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Stop at this restore point (needs backupSet). Default: none.', examples: ['before-migration'] }),
    backupSet: backupSet.optional().meta({
      description: "The backup set to restore (`--set`). Default: pgBackRest's choice: the newest before a time or LSN target.",
      examples: ['20261120-010003F'],
    }),
  })
  .strict()
  .superRefine((r, ctx) => {
    const set = TARGET_FIELDS.filter((f) => r[f] !== undefined);
    if (set.length > 1)
      issue(ctx, 'one recovery target at most: targetTime, targetLSN or targetName', `keep one of ${set.join(', ')}`, [set[1]]);
    checkRestorePointName(ctx, r.targetName, ['targetName']);
    checkBackupSetForName(ctx, r, 'this generation', []);
  });
