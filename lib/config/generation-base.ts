/** The fields every engine's generation entry starts from. */
import { z } from 'zod';
import { objectName, postgresMajor, restoreFrom, type TargetKind } from './schema-parts';

/** `upgradeFrom`: a blue/green major upgrade starts a new generation from a live one's data. */
export const upgradeFrom = z
  .object({
    /** The live generation whose data the new major version starts from. */
    generation: objectName(),
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
    /** Cluster name of this generation: explicit, never hashed, stable for its whole life. */
    name: objectName(),
    /** @default - the database's postgresVersion (a restore defaults to its source's) */
    postgresVersion: postgresMajor.optional(),
    /** Start from another generation's backups (restore / point-in-time recovery). @default - an empty cluster (initdb) */
    restoreFrom: restoreFrom(kinds, options).optional(),
  };
  const withUpgrade = {
    ...base,
    /** Start from another generation's data on a newer major. @default - an empty cluster (initdb) */
    upgradeFrom: upgradeFrom.optional(),
  };
  return (options.upgradeFrom ? withUpgrade : base) as U extends true ? typeof withUpgrade : typeof base;
}
