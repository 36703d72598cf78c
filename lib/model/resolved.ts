import type { DatabaseSpec } from '../config/stack-schema';
import type { Bootstrap } from './bootstrap';

/** A live generation with every default applied. */
export interface ResolvedGeneration {
  /** Cluster name: explicit and stable. */
  readonly name: string;
  /** The engine it runs on: the database's, or another for a generation that moved there (engine migration). */
  readonly engine: string;
  readonly postgresVersion: number;
  readonly bootstrap: Bootstrap;
  /** True for the generation consumers point at. */
  readonly serving: boolean;
  /**
   * Index in its engine's `generations` list (`spec.generations` of the view it belongs to), or
   * -1 for the default generation.
   */
  readonly index: number;
  /** Config path of the generation entry, e.g. `pgfleet:databases[0].generations[1]` (the database's for the default generation). */
  readonly path: string;
  /** Config path of the setting its version comes from (the generation's own, or the database's). */
  readonly versionPath: string;
}

/**
 * A database with its live generations resolved; or one engine's view of it (`views`): what an
 * engine renders and models, with that engine's settings and generations only.
 */
export interface ResolvedDatabase<D extends DatabaseSpec = DatabaseSpec> {
  /** The database entry as its engine parsed it (in a view: as the view's engine did). */
  readonly spec: D;
  readonly name: string;
  readonly engine: D['engine'];
  readonly namespace: string;
  /**
   * Config path of the settings `spec` comes from: the database entry, e.g. `pgfleet:databases[0]`,
   * or in a view of another engine its block, e.g. `pgfleet:databases[0].cnpg`.
   */
  readonly path: string;
  /** Live generations in stack order: all of the database's, or in a view the view's engine's. */
  readonly generations: readonly ResolvedGeneration[];
  readonly retired: readonly string[];
  /**
   * The generation consumers use. In a view whose engine does not run it, the view's first live
   * generation stands in (for the engine's per-database objects, e.g. an on-demand backup).
   */
  readonly serving: ResolvedGeneration;
  /**
   * One view per engine that runs live generations, the database's own engine first; a view's own
   * `views` is empty. A database on one engine has one view, equal to it but for `views`.
   */
  readonly views: readonly ResolvedDatabase[];
}

/** The view of the engine a generation runs on. */
export function viewOf(db: ResolvedDatabase, gen: Pick<ResolvedGeneration, 'engine'>): ResolvedDatabase {
  return db.views.find((v) => v.engine === gen.engine) ?? db;
}

/**
 * A database being deleted on purpose (`decommission: true`, every generation retired): nothing
 * is rendered for it, and its state records only what was retired until the entry goes.
 */
export interface DecommissionedDatabase<D extends DatabaseSpec = DatabaseSpec> extends Pick<
  ResolvedDatabase<D>,
  'spec' | 'name' | 'engine' | 'namespace' | 'path' | 'retired'
> {
  /** The generation that served last (kept in state for the review). */
  readonly serving: string;
}

/** True for the view of another engine than the database's own (engine migration): its settings are the entry's block of that engine. */
export const isBlockView = (view: Pick<ResolvedDatabase, 'path' | 'engine'>): boolean => view.path.endsWith(`.${view.engine}`);
