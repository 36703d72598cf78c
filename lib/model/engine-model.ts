import type { DatabaseSpec } from '../config/schema/stack';
import type { ResolvedDatabase, ResolvedGeneration } from './resolved';

/**
 * What the model knows about an engine without rendering it: how it upgrades, where each
 * generation archives, and extra state to carry between synths.
 */
export interface EngineModel<D extends DatabaseSpec = DatabaseSpec> {
  /**
   * `in-place`: raise a generation's postgresVersion (the operator upgrades it).
   * `new-generation`: a newer major needs a new generation with `upgradeFrom`.
   */
  readonly upgrade: 'in-place' | 'new-generation';
  /** Archive location of a generation, e.g. `s3://bucket/prefix/<serverName>/`. */
  archive?(db: ResolvedDatabase<D>, gen: ResolvedGeneration): string | undefined;
  /** Engine facts to record in the stack state. */
  extra?(db: ResolvedDatabase<D>, gen: ResolvedGeneration): Record<string, string | number | boolean> | undefined;
}
