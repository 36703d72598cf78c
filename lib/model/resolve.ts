/**
 * Resolves a parsed stack into live generations with their bootstrap variants, and checks the
 * rules that span fields or compare with the previous synth. Pure: the previous state arrives in
 * the spec. Every broken rule is collected and thrown once as a ConfigError.
 */
import { ConfigError, type ConfigIssue, joinPath } from '../config/config-error';
import type { ParsedStack } from '../config/load-stack';
import type { RestoreFromInput } from '../config/schema-parts';
import { type DatabaseSpec, engineNamed } from '../config/stack-schema';
import type { StackSpec } from '../config/stack-spec';
import { TargetTime } from '../config/target-time';
import { Bootstrap } from './bootstrap';
import type { ModelEngine } from './engine-model';
import { entryIssue, type GenerationInput, generationInputs, viewsOf } from './engine-views';
import { resolveMigration } from './migration-resolve';
import { RecoveryTarget } from './recovery-target';
import { type DecommissionedDatabase, type ResolvedDatabase, type ResolvedGeneration, viewOf } from './resolved';
import type { ResolvedStack } from './resolved-stack';
import { checkTransitions } from './transitions';
import { checkObjectives } from './recovery';

function targetOf(r: RestoreFromInput): RecoveryTarget {
  if (r.targetTime !== undefined) return RecoveryTarget.time(TargetTime.parse(r.targetTime)!);
  if (r.targetLSN !== undefined) return RecoveryTarget.lsn(r.targetLSN);
  if (r.targetName !== undefined) return RecoveryTarget.named(r.targetName);
  if (r.backupFile !== undefined) return RecoveryTarget.backupFile(r.backupFile);
  return RecoveryTarget.latest();
}

/** Resolves a parsed stack into live generations and checks every rule, throwing one ConfigError with all problems. */
export function resolveStack<E extends ModelEngine>(spec: StackSpec, engines: readonly E[]): ResolvedStack<E> {
  const issues: ConfigIssue[] = [];
  const databases: ResolvedDatabase[] = [];
  const decommissioned: DecommissionedDatabase[] = [];
  spec.databases.forEach((db, i) => {
    const r = resolveDatabase(spec, db, i, engines, issues, decommissioned);
    if (r) {
      databases.push(r);
      for (const view of r.views) {
        for (const i of engineNamed(engines, view.engine).check?.(view) ?? []) issues.push(entryIssue(view, r, i));
      }
      // The database's objectives hold for every generation, each judged by its own engine.
      issues.push(...checkObjectives(r, (g) => engineNamed(engines, g.engine).recovery?.(viewOf(r, g), g)));
    }
  });
  checkNamesAcrossDatabases(databases, issues);
  for (const engine of new Set(spec.databases.map((d) => engineNamed(engines, d.engine))))
    issues.push(...(engine.checkStack?.(spec) ?? []));
  spec.databases.forEach((db, i) => {
    const { otherEngines, ...own } = db;
    checkVaultServers(spec, own, `pgfleet:databases[${i}]`, issues);
    // Another engine's settings at its block; what its view took from the entry is checked there.
    for (const s of otherEngines?.settings ?? [])
      for (const [k, v] of Object.entries(s.spec))
        if (k !== 'generations' && !s.inherited.includes(k)) checkVaultServers(spec, v, `${s.path}.${k}`, issues);
  });
  if (spec.previous) checkTransitions(spec.previous, databases, engines, issues, new Set(spec.databases.map((d) => d.name)));
  if (issues.length) throw new ConfigError(spec.source, issues);
  return Object.freeze({ spec, databases: Object.freeze(databases), decommissioned: Object.freeze(decommissioned), engines });
}

/**
 * Resolves what the config layer parsed. When the schema found problems, the rules that span
 * fields still run over the database entries that parsed, and every problem is thrown at once
 * (paths mapped back to the entries' positions in the file).
 */
export function resolveParsed<E extends ModelEngine>(parsed: ParsedStack<E>): ResolvedStack<E> {
  if (parsed.spec) return resolveStack(parsed.spec, parsed.engines);
  const issues = [...parsed.issues];
  if (parsed.partial) {
    const { spec, positions } = parsed.partial;
    try {
      resolveStack(spec, parsed.engines);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      issues.push(
        ...e.issues.map((i) => ({
          ...i,
          path: i.path.replace(/^pgfleet:databases\[(\d+)\]/, (_m, n: string) => `pgfleet:databases[${positions[Number(n)]}]`),
        })),
      );
    }
  }
  throw new ConfigError(parsed.source, issues);
}

function resolveDatabase(
  spec: StackSpec,
  db: DatabaseSpec,
  index: number,
  engines: readonly ModelEngine[],
  issues: ConfigIssue[],
  decommissioned: DecommissionedDatabase[],
): ResolvedDatabase | undefined {
  const path = `pgfleet:databases[${index}]`;
  const at = (...segs: (string | number)[]) => joinPath([path, ...segs]);
  const listed = generationInputs(db, path);
  const retired = new Set(db.retired);
  const knownBefore = new Set(Object.keys(spec.previous?.databases[db.name]?.generations ?? {}));
  const priorRetired = new Set(spec.previous?.databases[db.name]?.retired ?? []);

  const seen = new Set<string>();
  listed.forEach((g) => {
    if (seen.has(g.name)) {
      issues.push({
        path: `${g.path}.name`,
        value: g.name,
        allowed: 'a name used by one generation only',
        fix: 'give the new generation a new name (e.g. with a date suffix)',
      });
    }
    seen.add(g.name);
  });
  db.retired.forEach((name, ri) => {
    if (!seen.has(name) && !knownBefore.has(name) && !priorRetired.has(name)) {
      issues.push({
        path: at('retired', ri),
        value: name,
        allowed: `a generation of this database: ${[...seen].join(', ')}`,
        fix: 'check the name; retired lists generations to delete',
      });
    }
  });

  const database = {
    spec: db,
    name: db.name,
    engine: db.engine,
    namespace: db.namespace ?? spec.namespace,
    path,
    retired: Object.freeze([...db.retired]),
  };
  const live = listed.filter((g) => !retired.has(g.name));
  const liveNames = live.map((g) => g.name);
  const previous = spec.previous?.databases[db.name];
  if (db.decommission && db.consumers.length) {
    issues.push({
      path: at('consumers'),
      value: db.consumers.map((c) => c.app),
      allowed: 'no consumers: a database being decommissioned serves no application',
      fix: `move the applications off ${db.name} and remove its consumers first, or drop decommission`,
    });
  }
  if (live.length === 0) {
    const retiredAll = { path: at('retired'), value: db.retired };
    if (!db.decommission) {
      issues.push({
        ...retiredAll,
        allowed: 'at least one live generation',
        fix: `keep a generation; to delete ${db.name}, set decommission: true first (README, "Decommission a database")`,
      });
    } else if (previous && !previous.decommission) {
      issues.push({
        ...retiredAll,
        allowed: `a live generation until decommission: true has been applied: Pulumi still protects ${previous.serving}`,
        fix: `first apply decommission: true alone with pulumi up (it lifts the protection); retire the generations in a later change`,
      });
    } else {
      decommissioned.push(Object.freeze({ ...database, serving: previous?.serving ?? db.serving ?? db.retired[0] }));
    }
    return undefined;
  }

  // Versions first: a restore inherits its source's, so resolve in dependency order.
  const version = new Map<string, number>();
  const versionOf = (g: GenerationInput, depth = 0): number => {
    if (version.has(g.name)) return version.get(g.name)!;
    let v = g.postgresVersion ?? g.spec.postgresVersion;
    const src =
      g.restoreFrom && g.postgresVersion === undefined
        ? listed.find((x) => x.name === g.restoreFrom!.generation && x.engine === g.engine)
        : undefined;
    if (src && depth < listed.length) v = versionOf(src, depth + 1);
    version.set(g.name, v);
    return v;
  };

  const serving = db.serving ?? (live.length === 1 ? live[0].name : undefined);
  if (serving === undefined) {
    issues.push({
      path: at('serving'),
      value: undefined,
      allowed: `the live generation consumers use: one of ${liveNames.join(', ')}`,
      fix: 'set serving explicitly; with several live generations pgfleet does not guess the cutover',
    });
  } else if (!liveNames.includes(serving)) {
    issues.push({
      path: at('serving'),
      value: serving,
      allowed: `a live generation: ${liveNames.join(', ')}`,
      fix: retired.has(serving)
        ? 'point serving at another generation before retiring this one'
        : 'name a generation listed in generations',
    });
  }

  const generations: ResolvedGeneration[] = [];
  const migrating: GenerationInput[] = [];
  listed.forEach((g) => {
    if (retired.has(g.name)) return;
    let bootstrap = Bootstrap.initdb();
    const fields = (['restoreFrom', 'upgradeFrom', 'migrateFrom'] as const).filter((f) => g[f] !== undefined);
    if (fields.length > 1) {
      issues.push({
        path: `${g.path}.${fields[1]}`,
        value: g[fields[1]],
        allowed: `${fields.join(' or ')}, not ${fields.length > 2 ? 'several' : 'both'}`,
        fix: 'start the generation one way; restore, upgrade or migrate into another generation in a later change',
      });
    }
    const field = fields[0];
    const from = field ? g[field]! : undefined;
    if (from && field) {
      const src = live.find((x) => x.name === from.generation);
      if (!src || from.generation === g.name) {
        issues.push({
          path: `${g.path}.${field}.generation`,
          value: from.generation,
          allowed: `another live generation of ${db.name}: ${liveNames.filter((n) => n !== g.name).join(', ') || '(none)'}`,
          fix: retired.has(from.generation)
            ? `keep ${from.generation} live until this generation has finished restoring, or remove ${field} once it has`
            : 'name the generation whose backups to read',
        });
      } else if (field !== 'migrateFrom' && src.engine !== g.engine) {
        issues.push({
          path: `${g.path}.${field}.generation`,
          value: from.generation,
          allowed: `a generation on ${g.engine}, as ${g.name} is: ${field} reads ${src.name}'s ${field === 'restoreFrom' ? 'backups' : 'data directory'}, which only ${src.engine} can`,
          fix: `use migrateFrom: {generation: ${src.name}} to copy ${src.name} from ${src.engine} to ${g.engine}`,
        });
      } else if (field === 'migrateFrom') {
        migrating.push(g);
      } else if (g.restoreFrom) {
        const srcVersion = versionOf(src);
        if (g.postgresVersion !== undefined && g.postgresVersion !== srcVersion) {
          issues.push({
            path: `${g.path}.postgresVersion`,
            value: g.postgresVersion,
            allowed: `the source's major (${srcVersion}): a restore replays WAL of that major`,
            fix: 'restore on the same major first, then upgrade as a separate change',
          });
        }
        bootstrap = Bootstrap.restore(src.name, targetOf(g.restoreFrom));
      } else {
        const srcVersion = versionOf(src);
        if (versionOf(g) <= srcVersion) {
          issues.push({
            path: `${g.path}.postgresVersion`,
            value: versionOf(g),
            allowed: `a major above ${src.name}'s ${srcVersion}`,
            fix: 'raise postgresVersion on the new generation',
          });
        }
        bootstrap = Bootstrap.upgrade(src.name);
      }
    }
    const versionPath =
      g.postgresVersion !== undefined
        ? `${g.path}.postgresVersion`
        : g.engine === db.engine
          ? at('postgresVersion')
          : (db.otherEngines?.settings.find((s) => s.path === g.settingsPath)?.versionPath ?? `${g.settingsPath}.postgresVersion`);
    generations.push({
      name: g.name,
      engine: g.engine,
      postgresVersion: versionOf(g),
      bootstrap,
      serving: g.name === serving,
      index: g.index,
      path: g.path,
      versionPath,
    });
  });

  // A generation cannot start from itself through others (a ← b ← a): none of them would have data.
  const fromOf = (g: GenerationInput | undefined) => g?.restoreFrom ?? g?.upgradeFrom ?? g?.migrateFrom;
  const fieldOf = (g: GenerationInput) => (g.restoreFrom ? 'restoreFrom' : g.upgradeFrom ? 'upgradeFrom' : 'migrateFrom');
  const sourceOf = (name: string) => fromOf(listed.find((x) => x.name === name))?.generation;
  listed.forEach((g) => {
    const chain = [g.name];
    // A generation naming itself is reported with the restore source rules.
    if (sourceOf(g.name) === g.name) return;
    for (let next = sourceOf(g.name); next !== undefined && chain.length <= listed.length; next = sourceOf(next)) {
      if (next === g.name) {
        issues.push({
          path: `${g.path}.${fieldOf(g)}.generation`,
          value: sourceOf(g.name),
          allowed: `a source that does not lead back to ${g.name} (${[...chain, g.name].join(' ← ')}): each would wait for the other's backups`,
          fix: 'start one of them empty or from a generation that already runs, and restore the others from it',
        });
        break;
      }
      chain.push(next);
    }
  });

  db.retired.forEach((name, ri) => {
    const reader = live.find((g) => fromOf(g)?.generation === name);
    if (reader) {
      issues.push({
        path: at('retired', ri),
        value: name,
        allowed: `a generation no live generation reads from (${reader.name} does)`,
        fix: `remove ${fieldOf(reader)} from ${reader.name} once it is running, then retire ${name}`,
      });
    }
  });

  // Acknowledgements name a gated class and a generation (or the database): a typo must not pass.
  const subjects = new Set([db.name, ...seen, ...knownBefore, ...priorRetired]);
  db.acknowledge.forEach((a, ai) => {
    const m = /^(destroys-data|irreversible):(.+)$/.exec(a);
    if (!m || !subjects.has(m[2])) {
      issues.push({
        path: at('acknowledge', ai),
        value: a,
        allowed: `destroys-data:<name> or irreversible:<name>, where <name> is ${[...subjects].join(', ')}`,
        fix: m ? `name a generation of ${db.name}, or the database itself` : 'copy the name `pgfleet diff` prints for the change',
      });
    }
  });

  const frame = (gens: ResolvedGeneration[]) => {
    const frozen = Object.freeze(gens.map((g) => Object.freeze(g)));
    const whole = { ...database, generations: frozen, serving: frozen.find((g) => g.serving) ?? frozen[0] };
    return Object.freeze({ ...whole, views: Object.freeze(viewsOf(whole)) });
  };
  if (!migrating.length) return frame(generations);
  // Migrations read their source through its engine's view, so resolve them once the views exist.
  const first = frame(generations);
  const resolvedGens = generations.map((gen) => {
    const g = migrating.find((x) => x.name === gen.name);
    if (!g) return gen;
    const migration = resolveMigration(first, g, gen, engines, issues);
    return migration ? { ...gen, bootstrap: Bootstrap.migrate(migration) } : gen;
  });
  return frame(resolvedGens);
}

/** Every Vault credential needs a server: its own or the stack's `pgfleet:vault`. */
function checkVaultServers(spec: StackSpec, value: unknown, path: string, issues: ConfigIssue[]): void {
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    const p = Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`;
    if (k === 'vault' && v && typeof v === 'object' && 'role' in v && !(v as { server?: string }).server && !spec.vault) {
      issues.push({
        path: `${p}.server`,
        value: undefined,
        allowed: 'a Vault address, here or in pgfleet:vault.server',
        fix: 'set pgfleet:vault: {server: https://vault.example:8200} once for the stack',
      });
    } else checkVaultServers(spec, v, p, issues);
  }
}

function checkNamesAcrossDatabases(databases: readonly ResolvedDatabase[], issues: ConfigIssue[]): void {
  const seen = new Set<string>();
  for (const db of databases) {
    if (seen.has(db.name))
      issues.push({
        path: `${db.path}.name`,
        value: db.name,
        allowed: 'a database name used once per stack',
        fix: 'rename one of the databases',
      });
    seen.add(db.name);
  }
  // Object names derive from these, and dist/<stack>/ holds one file per kind and name.
  const owner = new Map<string, string>();
  for (const db of databases) {
    for (const name of new Set([db.name, ...db.generations.map((g) => g.name)])) {
      const other = owner.get(name);
      if (other && other !== db.name) {
        issues.push({
          path: `${db.path}.name`,
          value: name,
          allowed: `names unique in the stack (database ${other} uses it; object and file names derive from it)`,
          fix: 'rename the database or generation',
        });
      }
      owner.set(name, db.name);
    }
  }
}
