import type { DatabaseSpec } from '../config/stack-schema';
import type { Bootstrap } from './bootstrap';

/** A live generation with every default applied. */
export interface ResolvedGeneration {
  /** Cluster name: explicit and stable. */
  readonly name: string;
  readonly postgresVersion: number;
  readonly bootstrap: Bootstrap;
  /** True for the generation consumers point at. */
  readonly serving: boolean;
  /** Index in the stack's `generations` list (for config paths), or -1 for the default generation. */
  readonly index: number;
  /** Config path of the setting its version comes from (the generation's own, or the database's). */
  readonly versionPath: string;
}

/** A database with its live generations resolved. */
export interface ResolvedDatabase<D extends DatabaseSpec = DatabaseSpec> {
  readonly spec: D;
  readonly name: string;
  readonly engine: D['engine'];
  readonly namespace: string;
  /** Config path of this database, e.g. `pgfleet:databases[0]`. */
  readonly path: string;
  /** Live generations in stack order. */
  readonly generations: readonly ResolvedGeneration[];
  readonly retired: readonly string[];
  readonly serving: ResolvedGeneration;
}
