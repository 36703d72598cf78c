/** Rules comparing a stack with what the previous synth recorded in its state. */
import type { ConfigIssue } from '../config/config-error';
import { quantityBytes } from '../config/quantity';
import { engineNamed } from '../config/stack-schema';
import type { StackState } from '../config/stack-state';
import type { ModelEngine } from './engine-model';
import type { ResolvedDatabase } from './resolved';
import { sizedVolumes, stateOf } from './stack-state-of';

/** Rules comparing a generation with what the previous synth recorded. */
export function checkTransitions(
  previous: StackState,
  databases: readonly ResolvedDatabase[],
  engines: readonly ModelEngine[],
  issues: ConfigIssue[],
): void {
  const next = stateOf(previous.stack, databases, engines, previous);
  for (const [dbName, before] of Object.entries(previous.databases)) {
    const db = databases.find((d) => d.name === dbName);
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
            : `add database ${dbName} back, or first retire its generations by name`,
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
      const gpath = gen.index >= 0 ? `${db.path}.generations[${gen.index}]` : db.path;
      if (before.namespace !== db.namespace) {
        issues.push({
          path: db.spec.namespace !== undefined ? `${db.path}.namespace` : 'pgfleet:namespace',
          value: db.namespace,
          allowed: `${before.namespace}: generation ${genName} lives in namespace ${before.namespace}, and moving would create new, empty objects beside the old ones`,
          fix: `keep namespace ${before.namespace} (set ${db.path}.namespace: ${before.namespace} if the stack default changed); to move, restore into a new database entry in the new namespace`,
        });
      }
      if (before.engine !== db.engine) {
        issues.push({
          path: `${db.path}.engine`,
          value: db.engine,
          allowed: `${before.engine}: a generation keeps its engine`,
          fix: `keep engine ${before.engine}; move to another operator with a new database entry restored from this one's backups`,
        });
      }
      if (now.postgresVersion < was.postgresVersion) {
        issues.push({
          path: gen.versionPath,
          value: now.postgresVersion,
          allowed: `${was.postgresVersion} or higher: ${genName} already runs PostgreSQL ${was.postgresVersion}, and a data directory cannot go back a major`,
          fix: `restore an older backup into a new generation (restoreFrom) instead of lowering the version`,
        });
      } else if (now.postgresVersion > was.postgresVersion && engineNamed(engines, db.engine).upgrade === 'new-generation') {
        issues.push({
          path: gen.versionPath,
          value: now.postgresVersion,
          allowed: `${was.postgresVersion}: ${db.engine} does not upgrade a generation in place`,
          fix: `keep ${genName} on ${was.postgresVersion} and add a new generation with upgradeFrom: {generation: ${genName}} and postgresVersion: ${now.postgresVersion}`,
        });
      }
      issues.push(...(engineNamed(engines, db.engine).transitions?.(db, gen, was, now, gpath) ?? []));
      for (const [name, { size, path }] of Object.entries(sizedVolumes(db, gen, engines))) {
        const wasSize = was.volumes?.[name];
        const wasBytes = wasSize ? quantityBytes(wasSize) : undefined;
        const nowBytes = quantityBytes(size);
        if (wasBytes !== undefined && nowBytes !== undefined && nowBytes < wasBytes) {
          issues.push({
            path,
            value: size,
            allowed: `${wasSize} or more: Kubernetes volumes can grow but never shrink (${genName}'s ${name} volume)`,
            fix: `keep ${wasSize}; to use less space, restore into a new generation with a smaller volume`,
          });
        }
      }
    }
    for (const name of before.retired) {
      if (after?.generations[name]) {
        const gen = db!.generations.find((g) => g.name === name)!;
        issues.push({
          path: gen.index >= 0 ? `${db!.path}.generations[${gen.index}].name` : `${db!.path}.name`,
          value: name,
          allowed: 'a name not used by a retired generation (its volumes or archive may still exist)',
          fix: 'choose a new generation name',
        });
      }
    }
  }
}
