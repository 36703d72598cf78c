/**
 * `diffRendered`: what changes between a stack's base output (the committed `dist/<stack>/`) and
 * a fresh render, object by object, each change classified by the engine's change rules, with
 * the acknowledgement gate. Pure: the CLI reads the base from git or a directory, tests pass a map.
 */
import { engineNamed } from '../config/stack-schema';
import type { DatabaseState, StackState } from '../config/stack-state';
import { describeBootstrap, describeTarget } from '../config/state-text';
import type { RenderedStack } from '../outputs/render-stack';
import { gateOf } from './acknowledgement';
import type { DatabaseDiff, GenerationDiff, ObjectDiff, StackDiff } from './diff-types';
import type { ChangeContext, ChangeRule } from '../engines/change-rule';
import { classifyObject, severity, type ObjectVars } from './classify';
import { genericChangeRules } from './generic-rules';
import { migrationRecords } from './migration-review';
import { stateChanges } from './state-changes';
import { HELM_VALUES_KIND, objectsOfFiles, objectsOfRender, stateOfFiles, type ReviewedObject } from './reviewed-object';

export interface DiffOptions {
  /** Shown as where the base came from. @default "base" */
  readonly baseName?: string;
  /** Change rules per engine name. @default - the rules of the engines the stack was resolved with */
  readonly rules?: Readonly<Record<string, readonly ChangeRule[]>>;
}

/** Kinds whose removal loses data even when the base alone cannot tell (no render to ask). */
const ALWAYS_DATA_BEARING = new Set([
  'v1 PersistentVolumeClaim',
  'apps/v1 StatefulSet',
  'postgresql.cnpg.io/v1 Cluster',
  'postgres-operator.crunchydata.com/v1beta1 PostgresCluster',
]);

/** The generation an object belongs to: its mark, its label, or its name. */
function generationOf(o: ReviewedObject | undefined, known: readonly string[]): string | undefined {
  if (!o) return undefined;
  if (o.dataBearing) return o.dataBearing;
  const label = o.manifest.metadata?.labels?.['pgfleet.io/generation'];
  if (typeof label === 'string') return label;
  if (known.includes(o.name)) return o.name;
  return known.filter((g) => o.name.startsWith(`${g}-`)).sort((a, b) => b.length - a.length)[0];
}

function generationNames(...dbs: (DatabaseState | undefined)[]): string[] {
  return [...new Set(dbs.flatMap((d) => (d ? [...Object.keys(d.generations), ...d.retired] : [])))];
}

/** The database of an object without a label (Helm values): the one with a generation of that name. */
function databaseByGeneration(name: string, ...states: (StackState | undefined)[]): string | undefined {
  for (const s of states) {
    for (const [db, d] of Object.entries(s?.databases ?? {})) if (generationNames(d).includes(name)) return db;
  }
  return undefined;
}

/** Compares a stack's base files with a fresh render of it. */
export function diffRendered(base: ReadonlyMap<string, string>, next: RenderedStack, options: DiffOptions = {}): StackDiff {
  const { engines } = next.resolved;
  const rulesOf = (engine: string) => options.rules?.[engine] ?? engineNamed(engines, engine).rules;
  const stack = next.resolved.spec.stack;
  const beforeState = stateOfFiles(base, engines, options.baseName ?? 'base');
  const afterState = next.state;
  // Only files whose text differs can hold a change: the others are not even parsed.
  const changed = (f: string) => base.get(f) !== next.files.get(f);
  const beforeObjects = objectsOfFiles(new Map([...base].filter(([f]) => changed(f))));
  const afterObjects = objectsOfRender(next, changed);
  const dataBearingKinds = new Set([
    ...ALWAYS_DATA_BEARING,
    ...next.objects.filter((o) => o.dataBearing).map((o) => `${o.manifest.apiVersion} ${o.manifest.kind}`),
  ]);

  const objects: ObjectDiff[] = [];
  for (const file of [...new Set([...beforeObjects.keys(), ...afterObjects.keys()])].sort()) {
    const before = beforeObjects.get(file);
    const after = afterObjects.get(file);
    const any = (after ?? before)!;
    const database = after?.database ?? before?.database ?? databaseByGeneration(any.name, afterState, beforeState);
    const dbBefore = database ? beforeState?.databases[database] : undefined;
    const dbAfter = database ? afterState.databases[database] : undefined;
    const known = generationNames(dbBefore, dbAfter);
    const generation = generationOf(after, known) ?? generationOf(before, known);
    // A base-only object cannot be asked: its kind decides (a Helm release named after a generation owns its volumes).
    const dataBearing = after
      ? after.dataBearing !== undefined
      : any.apiKind === HELM_VALUES_KIND
        ? generation === any.name
        : dataBearingKinds.has(any.apiKind);
    const context: ChangeContext = {
      before: before?.manifest,
      after: after?.manifest,
      generation,
      dataBearing,
      newGeneration: generation !== undefined && !dbBefore?.generations[generation] && !!dbAfter?.generations[generation],
      retiring: generation !== undefined && !!dbAfter?.retired.includes(generation) && !dbBefore?.retired.includes(generation),
      state: {
        before: generation ? dbBefore?.generations[generation] : undefined,
        after: generation ? dbAfter?.generations[generation] : undefined,
      },
      serving: { before: dbBefore?.serving, after: dbAfter?.serving },
    };
    const resolvedDb = next.resolved.databases.find((d) => d.name === database);
    const born = (context.state.after ?? context.state.before)?.bootstrap;
    // The engine of the object's generation (a generation may run on another engine than its database's).
    const genState = context.state.after ?? context.state.before;
    const dbEngine = dbAfter?.engine ?? dbBefore?.engine;
    // An object no generation owns (a shared ObjectStore) belongs to the engine whose rules know its kind.
    const kindOwner = () =>
      [dbEngine, ...Object.values({ ...dbBefore?.generations, ...dbAfter?.generations }).map((g) => g.engine)].find(
        (e) => e && engines.some((x) => x.name === e) && rulesOf(e).some((r) => r.kind === any.apiKind),
      );
    const engine = genState?.engine ?? kindOwner() ?? dbEngine;
    const view = resolvedDb?.views.find((v) => v.engine === engine);
    // The engine whose rules judge the object, and whose own variables its texts may use.
    const ownEngine = engine && engines.some((e) => e.name === engine) ? engineNamed(engines, engine) : undefined;
    const vars: ObjectVars = {
      name: any.name,
      namespace: any.namespace ?? dbAfter?.namespace ?? dbBefore?.namespace ?? '',
      kind: any.kind,
      stack,
      generation,
      database,
      bootstrap: born ? describeBootstrap(born) : undefined,
      source: born && born.kind !== 'initdb' ? born.source : undefined,
      // A time target is the instant alone, as rule texts compare it ("… before {{target}}").
      target: born?.kind === 'restore' ? (born.target.kind === 'time' ? born.target.time : describeTarget(born.target)) : undefined,
      serving: context.serving.after,
      servingBefore: context.serving.before,
      engine: view && ownEngine?.reviewVars?.(view),
    };
    const changes = classifyObject({
      before,
      after,
      context,
      rules: ownEngine ? rulesOf(ownEngine.name) : [],
      generic: genericChangeRules,
      vars,
    });
    if (changes.length === 0) continue;
    objects.push({
      file,
      apiKind: any.apiKind,
      kind: any.kind,
      name: any.name,
      namespace: vars.namespace === '' ? undefined : vars.namespace,
      database,
      generation,
      dataBearing,
      op: !before ? 'added' : !after ? 'removed' : 'changed',
      changes: changes.map((c) => ({ ...c, acknowledgements: [] })),
      class: changes[0].class,
      dependsOn: after?.dependsOn ?? [],
    });
  }

  const databases = databaseDiffs(next, beforeState);
  objects.push(...stateChanges(databases), ...migrationRecords(databases));
  const { gate, objects: gated } = gateOf(objects, databases, next);
  const order = (o: ObjectDiff) => databases.findIndex((d) => d.name === o.database);
  gated.sort((a, b) => order(a) - order(b) || severity(b.class) - severity(a.class) || a.file.localeCompare(b.file));
  return { stack, base: options.baseName ?? 'base', objects: gated, databases, gate };
}

function databaseDiffs(next: RenderedStack, beforeState: StackState | undefined): DatabaseDiff[] {
  const out: DatabaseDiff[] = [];
  for (const db of [...next.resolved.databases, ...next.resolved.decommissioned]) {
    const before = beforeState?.databases[db.name];
    const after = next.state.databases[db.name];
    const live = 'generations' in db ? db.generations : [];
    const names = [...new Set([...Object.keys(before?.generations ?? {}), ...Object.keys(after.generations)])];
    out.push({
      name: db.name,
      engine: db.engine,
      namespace: db.namespace,
      path: db.path,
      serving: { before: before?.serving, after: after.serving },
      generations: names.map((name): GenerationDiff => {
        const b = before?.generations[name];
        const a = after.generations[name];
        const g = live.find((x) => x.name === name);
        return {
          name,
          status: !b ? 'new' : !a ? 'retired' : 'kept',
          before: b,
          after: a,
          ...(g ? { path: g.path } : {}),
          ...(g ? { bootstrap: g.bootstrap.toState() } : {}),
        };
      }),
      consumers: db.spec.consumers.map((c) => ({ app: c.app, secretName: c.secretName })),
      decommission: { before: before?.decommission === true, after: db.spec.decommission },
    });
  }
  return out;
}
