/**
 * The state a synth records (`dist/<stack>/pgfleet-state.json`): generation-level facts that
 * later synths check changes against. Derived from the resolved stack alone.
 */
import { engineNamed } from '../config/stack-schema';
import { type DatabaseState, type GenerationState, STATE_FORMAT, type StackState } from '../config/stack-state';
import type { ModelEngine } from './engine-model';
import { recoveryState } from './recovery';
import { type DecommissionedDatabase, type ResolvedDatabase, type ResolvedGeneration, viewOf } from './resolved';
import type { ResolvedStack } from './resolved-stack';

/** Every sized volume of a generation: its engine's list, else its view's `storage.size` as `data`. */
export function sizedVolumes(
  db: ResolvedDatabase,
  gen: ResolvedGeneration,
  engines: readonly ModelEngine[],
): Record<string, { readonly size: string; readonly path: string }> {
  const view = viewOf(db, gen);
  const storage = (view.spec as { storage?: { size: string } }).storage?.size;
  return (
    engineNamed(engines, gen.engine).volumes?.(view, gen) ?? (storage ? { data: { size: storage, path: `${view.path}.storage.size` } } : {})
  );
}

/** Generation-level facts for the state file. */
export function stackState(stack: ResolvedStack): StackState {
  return stateOf(stack.spec.stack, stack.databases, stack.engines, stack.spec.previous, stack.decommissioned);
}

export function stateOf(
  stackName: string,
  resolved: readonly ResolvedDatabase[],
  engines: readonly ModelEngine[],
  previous: StackState | undefined,
  decommissioned: readonly DecommissionedDatabase[] = [],
): StackState {
  const databases: Record<string, DatabaseState> = {};
  const entry = (
    db: ResolvedDatabase | DecommissionedDatabase,
    serving: string,
    generations: Record<string, GenerationState>,
  ): DatabaseState => ({
    engine: db.engine,
    namespace: db.namespace,
    serving,
    retired: [...new Set([...(previous?.databases[db.name]?.retired ?? []), ...db.retired])].sort(),
    ...(db.spec.decommission ? { decommission: true as const } : {}),
    generations,
  });
  for (const db of resolved) {
    const generations: Record<string, GenerationState> = {};
    for (const g of db.generations) {
      const model = engineNamed(engines, g.engine);
      const view = viewOf(db, g);
      const engineFacts = model.engineFacts?.(view, g);
      const recovery = model.recovery?.(view, g);
      const volumes = Object.entries(sizedVolumes(db, g, engines));
      generations[g.name] = {
        // Recorded only for a generation on another engine than its database's (engine migration).
        ...(g.engine !== db.engine ? { engine: g.engine } : {}),
        postgresVersion: g.postgresVersion,
        ...(volumes.length ? { volumes: Object.fromEntries(volumes.map(([k, v]) => [k, v.size])) } : {}),
        bootstrap: g.bootstrap.toState(),
        archives: model.archives?.(view, g) ?? [],
        ...(engineFacts ? { engineFacts } : {}),
        ...(recovery ? { recovery: recoveryState(recovery) } : {}),
      };
    }
    databases[db.name] = entry(db, db.serving.name, generations);
  }
  // Nothing of these is rendered any more; what they retired stays recorded until the entry goes.
  for (const db of decommissioned) databases[db.name] = entry(db, db.serving, {});
  return { format: STATE_FORMAT, stack: stackName, databases };
}
