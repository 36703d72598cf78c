/**
 * A database's generations across engines, and the view of it each engine renders (engine
 * migration): the config layer parsed the generations on other engines with those engines'
 * schemas (`DatabaseSpec.otherEngines`); here they are put back into stack order and grouped.
 */
import { type ConfigIssue, joinPath } from '../config/config-error';
import type { RestoreFromInput } from '../config/schema-parts';
import type { DatabaseSpec, MigrateFromSpec } from '../config/stack-schema';
import type { ResolvedDatabase, ResolvedGeneration } from './resolved';

/** One generation entry as the resolver reads it, whatever engine it is on. */
export interface GenerationInput {
  readonly name: string;
  readonly postgresVersion?: number;
  readonly restoreFrom?: RestoreFromInput;
  readonly upgradeFrom?: { readonly generation: string };
  readonly migrateFrom?: MigrateFromSpec;
  /** The engine it runs on. */
  readonly engine: string;
  /** The database entry as its engine parsed it. */
  readonly spec: DatabaseSpec;
  /** Config path of that entry's settings (the database, or the engine's block). */
  readonly settingsPath: string;
  /** Index in `spec.generations`, -1 for the default generation. */
  readonly index: number;
  /** Config path of the generation entry (the database entry for the default generation). */
  readonly path: string;
}

type Listed = Omit<GenerationInput, 'engine' | 'spec' | 'settingsPath' | 'index' | 'path'>;

/** Every generation the database lists, on any engine, in stack order (or the one default generation named after it). */
export function generationInputs(db: DatabaseSpec, path: string): GenerationInput[] {
  const own = (db as { generations?: Listed[] }).generations;
  if (!own) return [{ name: db.name, engine: db.engine, spec: db, settingsPath: path, index: -1, path }];
  const o = db.otherEngines;
  const at = (position: number) => joinPath([path, 'generations', position]);
  const out: (GenerationInput & { position: number })[] = own.map((g, k) => {
    const position = o?.positions[k] ?? k;
    return { ...g, engine: db.engine, spec: db, settingsPath: path, index: k, path: at(position), position };
  });
  for (const s of o?.settings ?? []) {
    ((s.spec as { generations?: Listed[] }).generations ?? []).forEach((g, k) => {
      const position = s.positions[k];
      out.push({
        ...g,
        migrateFrom: s.migrateFrom[k],
        engine: s.engine,
        spec: s.spec,
        settingsPath: s.path,
        index: k,
        path: at(position),
        position,
      });
    });
  }
  return out.sort((a, b) => a.position - b.position).map(({ position: _p, ...g }) => g);
}

/** The engines a database's live generations run on, its own first. */
function enginesOf(db: DatabaseSpec, generations: readonly ResolvedGeneration[]): string[] {
  return [db.engine, ...(db.otherEngines?.settings.map((s) => s.engine) ?? [])].filter((e) => generations.some((g) => g.engine === e));
}

/** One view per engine that runs live generations (see `ResolvedDatabase.views`). */
export function viewsOf(database: Omit<ResolvedDatabase, 'views'>): ResolvedDatabase[] {
  const db = database.spec;
  return enginesOf(db, database.generations).map((engine) => {
    const settings = engine === db.engine ? undefined : db.otherEngines!.settings.find((s) => s.engine === engine)!;
    const generations = Object.freeze(database.generations.filter((g) => g.engine === engine));
    return Object.freeze({
      ...database,
      spec: settings?.spec ?? db,
      engine,
      path: settings?.path ?? database.path,
      generations,
      serving: generations.find((g) => g.serving) ?? generations[0],
      views: Object.freeze([]),
    });
  });
}

/** Keys of a view's spec that are the database entry's (the block of another engine cannot hold them). */
const ENTRY_KEYS = /^\.(name|namespace|consumers|retired|serving|acknowledge|generations|postgresVersion)\b/;

/** The INHERITED_KEYS (lib/config/engine-migration.ts) a view took from the database entry. */
const inheritedOf = (view: Pick<ResolvedDatabase, 'path'>, database: Pick<ResolvedDatabase, 'spec'>): readonly string[] =>
  database.spec.otherEngines?.settings.find((s) => s.path === view.path)?.inherited ?? [];

/** The top-level key a path below the view's settings names (`.drill.credentials` → `drill`). */
const keyBelow = (view: Pick<ResolvedDatabase, 'path'>, path: string): string | undefined =>
  path.startsWith(view.path) ? /^\.([A-Za-z]+)/.exec(path.slice(view.path.length))?.[1] : undefined;

/**
 * An engine's issue path for its view, as the user wrote the stack: keys the view shares with the
 * database entry (consumers, name, ...) and keys it took from it (the entry's drill) are the
 * entry's, not the engine block's.
 */
export function entryPath(view: Pick<ResolvedDatabase, 'path'>, database: Pick<ResolvedDatabase, 'path' | 'spec'>, path: string): string {
  if (view.path === database.path || !path.startsWith(view.path)) return path;
  const rest = path.slice(view.path.length);
  if (inheritedOf(view, database).includes(keyBelow(view, path)!)) return `${database.path}${rest}`;
  return ENTRY_KEYS.test(rest) && !/^\.postgresVersion\b/.test(rest) ? `${database.path}${rest}` : path;
}

/**
 * An engine's issue on its view, as the user wrote the stack (entryPath). A problem with a key the
 * view took from the entry (the entry's drill, on another engine's generations) says which
 * generations it concerns and that the block may set its own.
 */
export function entryIssue(
  view: Pick<ResolvedDatabase, 'path' | 'engine' | 'generations'>,
  database: Pick<ResolvedDatabase, 'path' | 'spec'>,
  issue: ConfigIssue,
): ConfigIssue {
  const path = entryPath(view, database, issue.path);
  const key = keyBelow(view, issue.path);
  if (view.path === database.path || key === undefined || !inheritedOf(view, database).includes(key)) return { ...issue, path };
  const gens = view.generations.map((g) => g.name).join(', ');
  return {
    ...issue,
    path,
    allowed: `for ${gens} on ${view.engine}: ${issue.allowed}`,
    // The entry's own engine reads the same key: the fix belongs in the block, for these generations only.
    fix: `give the ${view.engine} block a ${key} of its own for ${gens} (the entry's ${key} applies to every engine's generations whose block sets none), and there: ${issue.fix}`,
  };
}
