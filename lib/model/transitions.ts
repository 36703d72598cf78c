/** Rules comparing a stack with what the previous synth recorded in its state. */
import type { ConfigIssue } from '../config/config-error';
import { quantityBytes } from '../config/quantity';
import { engineNamed } from '../config/stack-schema';
import { type DatabaseState, engineOfState, type StackState } from '../config/stack-state';
import { describeArchives } from '../config/state-text';
import type { ModelEngine } from './engine-model';
import { type ResolvedDatabase, viewOf } from './resolved';
import { entryIssue } from './engine-views';
import { sizedVolumes, stateOf } from './stack-state-of';

/** Rules comparing a generation with what the previous synth recorded. */
export function checkTransitions(
  previous: StackState,
  databases: readonly ResolvedDatabase[],
  engines: readonly ModelEngine[],
  issues: ConfigIssue[],
  /** Database entries of the stack, resolved or not: one whose own problems kept it from resolving is not "gone". */
  listed: ReadonlySet<string>,
): void {
  const next = stateOf(previous.stack, databases, engines, previous);
  for (const [dbName, before] of Object.entries(previous.databases)) {
    const db = databases.find((d) => d.name === dbName);
    if (!db && listed.has(dbName)) continue;
    const after = next.databases[dbName];
    // A database entry renamed: its generations now sit under another name.
    const renamedTo = db ? undefined : databases.find((d) => d.generations.some((g) => g.name in before.generations));
    if (renamedTo) {
      issues.push({
        path: `${renamedTo.path}.name`,
        value: renamedTo.name,
        allowed: `${dbName}: the database entry holding generations ${Object.keys(before.generations).join(', ')} keeps its name (state, object names and acknowledgements follow it)`,
        fix: `rename it back to ${dbName}; to use another name, restore into a new database entry`,
      });
      continue;
    }
    for (const [genName, was] of Object.entries(before.generations)) {
      const now = after?.generations[genName];
      const retired = db?.retired.includes(genName) ?? false;
      if (!now && !retired) {
        issues.push({
          path: db ? `${db.path}.generations` : 'pgfleet:databases',
          value: genName,
          allowed: `generation ${dbName}/${genName} (${before.engine}, holding data) stays listed until it is retired`,
          fix: db
            ? `add ${genName} back, or list it under ${db.path}.retired to delete it on purpose`
            : `add database ${dbName} back; to delete it, decommission it in three changes: decommission: true, then every generation in retired, then remove the entry (README, "Decommission a database")`,
        });
        continue;
      }
      if (retired && !before.retired.includes(genName) && before.serving === genName && db) {
        issues.push({
          path: `${db.path}.retired`,
          value: genName,
          allowed: `a generation that was not serving in the previous synth: Pulumi still protects ${genName}, and cutover and deletion in one change leave no way back`,
          fix: `first apply the cutover (serving) alone with pulumi up, which moves the protection; retire ${genName} in a later change`,
        });
      }
      if (!now || !db) continue;
      const gen = db.generations.find((g) => g.name === genName)!;
      const gpath = gen.path;
      const engine = engineNamed(engines, gen.engine);
      if (before.namespace !== db.namespace) {
        issues.push({
          path: db.spec.namespace !== undefined ? `${db.path}.namespace` : 'pgfleet:namespace',
          value: db.namespace,
          allowed: `${before.namespace}: generation ${genName} lives in namespace ${before.namespace}, and moving would create new, empty objects beside the old ones`,
          fix: `keep namespace ${before.namespace} (set ${db.path}.namespace: ${before.namespace} if the stack default changed); to move, restore into a new database entry in the new namespace`,
        });
      }
      const wasEngine = engineOfState(before, was);
      if (wasEngine !== gen.engine) {
        issues.push({
          path: gen.engine === db.engine ? `${db.path}.engine` : `${gpath}.engine`,
          value: gen.engine,
          allowed: `${wasEngine}: a generation keeps its engine (${genName} holds its data in ${wasEngine}'s objects)`,
          fix:
            `keep ${genName} on ${wasEngine} (engine: ${wasEngine} on the generation or the database); to move to ${gen.engine}, add a new ` +
            `generation with engine: ${gen.engine} and migrateFrom: {generation: ${genName}}, with ${gen.engine}'s settings in a ${gen.engine}: block of the database`,
        });
      }
      if (now.postgresVersion < was.postgresVersion) {
        issues.push({
          path: gen.versionPath,
          value: now.postgresVersion,
          allowed: `${was.postgresVersion} or higher: ${genName} already runs PostgreSQL ${was.postgresVersion}, and a data directory cannot go back a major`,
          fix: `restore an older backup into a new generation (restoreFrom) instead of lowering the version`,
        });
      } else if (now.postgresVersion > was.postgresVersion && engine.upgrade === 'new-generation') {
        issues.push({
          path: gen.versionPath,
          value: now.postgresVersion,
          allowed: `${was.postgresVersion}: ${gen.engine} does not upgrade a generation in place`,
          fix: `keep ${genName} on ${was.postgresVersion} and add a new generation with upgradeFrom: {generation: ${genName}} and postgresVersion: ${now.postgresVersion}`,
        });
      }
      // Engine rules judge only a generation that stayed on their engine.
      if (wasEngine === gen.engine) {
        const view = viewOf(db, gen);
        for (const i of engine.transitions?.(view, gen, was, now, gpath) ?? []) issues.push(entryIssue(view, db, i));
      }
      for (const [name, { size, path }] of Object.entries(sizedVolumes(db, gen, engines))) {
        const wasSize = was.volumes?.[name];
        const wasBytes = wasSize ? quantityBytes(wasSize) : undefined;
        const nowBytes = quantityBytes(size);
        if (wasBytes !== undefined && nowBytes !== undefined && nowBytes < wasBytes) {
          issues.push({
            path,
            value: size,
            allowed: `${wasSize} or more: Kubernetes volumes can grow but never shrink (${genName}'s ${name} volume)`,
            fix: `keep ${wasSize}; to use less space, restore into a new database entry with the smaller size (a new generation gets the same size), then retire this one`,
          });
        }
      }
    }
    if (db && after) issues.push(...newGenerationRules(db, before, after));
    for (const name of before.retired) {
      if (after?.generations[name]) {
        const gen = db!.generations.find((g) => g.name === name)!;
        issues.push({
          path: `${gen.path}.name`,
          value: name,
          allowed: 'a name not used by a retired generation (its volumes or archive may still exist)',
          fix: 'choose a new generation name',
        });
      }
    }
  }
}

/**
 * Rules for generations created in this change: nothing may depend on them yet. Consumers cannot
 * be cut over to a cluster still restoring; a restore cannot read a source that has no backups
 * yet, nor one whose archive moves in the same change (it would read the new, empty location).
 */
function newGenerationRules(db: ResolvedDatabase, before: DatabaseState, after: DatabaseState): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const isNew = (g: string) => !before.generations[g];
  const pathOf = (name: string) => db.generations.find((x) => x.name === name)?.path ?? db.path;
  if (after.serving !== before.serving && isNew(after.serving)) {
    issues.push({
      path: db.spec.serving !== undefined ? `${db.path}.serving` : `${db.path}.generations`,
      value: after.serving,
      allowed: `a generation that already ran before this change (${Object.keys(before.generations).join(', ')}): ${after.serving} is created in this change, and consumers cut over to it would reach a cluster that is still starting or restoring`,
      fix: `keep serving: ${before.serving} for this change; once \`pulumi up\` created ${after.serving} and you checked its data, set serving: ${after.serving} in a later change`,
    });
  }
  for (const gen of db.generations.filter((g) => isNew(g.name) && g.bootstrap.kind !== 'initdb')) {
    const source = gen.bootstrap.source!;
    const field = `${pathOf(gen.name)}.${gen.bootstrap.kind}From.generation`;
    if (isNew(source)) {
      issues.push({
        path: field,
        value: source,
        allowed: `a generation that already ran before this change: ${source} is created in this change too, so it has no backups or data yet`,
        fix: `create ${source} first (pulumi up, wait for its first backup), then add ${gen.name} in a later change`,
      });
      continue;
    }
    const was = JSON.stringify(before.generations[source].archives);
    const now = JSON.stringify(after.generations[source]?.archives);
    if (gen.bootstrap.kind === 'restore' && after.generations[source] && was !== now) {
      issues.push({
        path: field,
        value: source,
        allowed: `a source whose archive stays where it is in this change: ${source}'s moves (${describeArchives(before.generations[source].archives)} → ${describeArchives(after.generations[source].archives)}), so ${gen.name} would read the new location, which holds no backups yet`,
        fix: `change one thing at a time: restore ${gen.name} from ${source} first, or move ${source}'s archive first and restore once it has a backup there`,
      });
    }
  }
  return issues;
}
