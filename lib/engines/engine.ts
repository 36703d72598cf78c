/**
 * The one engine interface. Each engine folder (`lib/engines/<engine>/`) exports one descriptor
 * of this type from its `index.ts`, and `lib/engines/index.ts` lists them: adding an engine is
 * adding a folder and one line there.
 *
 * The interface is the sum of what each layer needs, and each layer declares its own part, so no
 * layer imports one above it: the config layer parses with `name` and `schema` (EngineSchema)
 * and reads the state file with `factsSchema` and `stateFormat1` (EngineStateSchema), the model
 * resolves with the hooks of EngineModel, and the outputs and review layers use the construct and
 * the change rules declared here. Entry points (CLI, Pulumi program) pass the
 * registry to the config boundary; from there the engines travel with the parsed stack.
 */
import type { Construct } from 'constructs';
import type { DatabaseSpec } from '../config/stack-schema';
import type { StackSpec } from '../config/stack-spec';
import type { Connection } from '../constructs/connection';
import type { EngineModel } from '../model/engine-model';
import type { ResolvedDatabase, ResolvedGeneration } from '../model/resolved';
import type { ChangeRule } from './change-rule';
import type { EngineSchema } from '../config/stack-schema';
import type { EngineFacts, EngineStateSchema } from '../config/stack-state';

/**
 * Props every engine construct takes: its view of one resolved database (`ResolvedDatabase.views`:
 * the engine's settings and its live generations only; a database may run generations on several
 * engines while it moves between them) and the stack around it.
 */
export interface EngineProps<D extends ResolvedDatabase = ResolvedDatabase> {
  readonly database: D;
  readonly stack: StackSpec;
}

/** An engine construct renders its view of one database (its live generations). */
export interface DatabaseEngine extends Construct {
  /**
   * Where a generation's connection details live, for consumer wiring: for `user` when the
   * engine publishes one Secret per user (PGO), else for the application user.
   */
  connection(generation: ResolvedGeneration, user?: string): Connection;
}

export type EngineConstructor<D extends DatabaseSpec = DatabaseSpec> = new (
  scope: Construct,
  id: string,
  props: EngineProps<ResolvedDatabase<D>>,
) => DatabaseEngine;

/**
 * An engine: its stack schema, the schema of the facts it records in the state file (`F`), its
 * model hooks, the construct that renders it and what changes to its objects do. `V` is the type
 * of the variables its change-rule texts use beyond the common ones (RuleVars.engine).
 */
export interface Engine<D extends DatabaseSpec = DatabaseSpec, F extends EngineFacts = EngineFacts, V extends object = object>
  extends EngineSchema, EngineStateSchema<F>, EngineModel<D, F> {
  /** Renders one database of this engine. */
  readonly construct: EngineConstructor<D>;
  /** What a change to each of its objects does (`pgfleet diff`, `pgfleet plan`). */
  readonly rules: readonly ChangeRule<V>[];
  /**
   * Renders what copies another engine's generation into a generation of this engine
   * (`migrateFrom.method: dump`), when its construct does not: e.g. the dump/restore Job. The
   * outputs create it after the generation's data-bearing objects. @default - the construct renders it
   */
  renderMigration?(scope: Construct, db: ResolvedDatabase<D>, gen: ResolvedGeneration): Construct;
  /** The variables of its change-rule texts beyond the common ones (RuleVars.engine). @default - none */
  reviewVars?(db: ResolvedDatabase<D>): V;
}
