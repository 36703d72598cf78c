import type { ConfigIssue } from '../../config/config-error';
import type { PatroniDatabaseSpec } from './patroni-schema';
import { patroniNames } from './patroni-names';
import type { EngineModel } from '../../model/engine-model';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { GenerationState } from '../../config/stack-state';

/**
 * Where a Patroni generation's dumps live: its own backup volume. A restored or upgraded
 * generation gets a new volume (its name carries the generation), and it only mounts its
 * source's volume to read a dump.
 */
export function patroniArchive(namespace: string, gen: Pick<ResolvedGeneration, 'name'>): string {
  return `pvc://${namespace}/${patroniNames.backupPvc(gen.name)}/`;
}

/** One line naming an in-place restore, so the next synth sees an id reused for another dump. */
function inPlaceRestoreOf(spec: PatroniDatabaseSpec, gen: ResolvedGeneration): string | undefined {
  const r = spec.inPlaceRestore;
  if (!r || r.generation !== gen.name) return undefined;
  return `${r.id} ${r.backupFile !== undefined ? `backupFile ${r.backupFile}` : `time ${r.targetTime}`}`;
}

function transitions(
  db: ResolvedDatabase<PatroniDatabaseSpec>,
  gen: ResolvedGeneration,
  before: GenerationState,
  after: GenerationState,
  path: string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];

  // A restore or upgrade Job loads data with DROP DATABASE first; it may run only into a new generation.
  if (before.bootstrap !== after.bootstrap && after.bootstrap !== 'initdb') {
    const field = after.bootstrap.startsWith('restore') ? 'restoreFrom' : 'upgradeFrom';
    issues.push({
      path: `${path}.${field}`,
      value: after.bootstrap,
      allowed: `"${before.bootstrap}", as ${gen.name} was created: the ${field === 'restoreFrom' ? 'restore' : 'upgrade'} Job drops the database it loads into, so on a running generation it would replace live data`,
      fix: `remove ${field} from ${gen.name} and add a new generation with it; to replace ${gen.name}'s data on purpose use inPlaceRestore (acknowledged)`,
    });
  }

  const dbBefore = before.extra?.database;
  const dbAfter = after.extra?.database;
  if (dbBefore !== undefined && dbAfter !== undefined && dbBefore !== dbAfter) {
    issues.push({
      path: `${db.path}.database`,
      value: dbAfter,
      allowed: `${dbBefore}: the image's post_init created ${gen.name}'s application database once, at bootstrap; a new name would point consumers and backups at a database that does not exist`,
      fix: `keep database: ${dbBefore}; rename it with SQL (ALTER DATABASE) first, or use the new name in a new generation`,
    });
  }

  const ipBefore = before.extra?.inPlaceRestore;
  const ipAfter = after.extra?.inPlaceRestore;
  if (
    typeof ipBefore === 'string' &&
    typeof ipAfter === 'string' &&
    ipBefore !== ipAfter &&
    ipBefore.split(' ')[0] === ipAfter.split(' ')[0]
  ) {
    issues.push({
      path: `${db.path}.inPlaceRestore.id`,
      value: ipAfter.split(' ')[0],
      allowed: `a new id for another dump: id ${ipBefore.split(' ')[0]} already restored ${ipBefore.split(' ').slice(1).join(' ')}, and its Jobs cannot change`,
      fix: 'give this restore a new id',
    });
  }
  return issues;
}

/**
 * Patroni facts: blue/green upgrades (a newer major is a new generation loaded from a dump of
 * the live one), each generation's backup volume, and the application database name, which the
 * image fixes at bootstrap.
 */
export const patroniModel: EngineModel<PatroniDatabaseSpec> = {
  upgrade: 'new-generation',
  archive: (db, gen) => patroniArchive(db.namespace, gen),
  extra: (db, gen) => {
    const ip = inPlaceRestoreOf(db.spec, gen);
    return { database: db.spec.database, ...(ip ? { inPlaceRestore: ip } : {}) };
  },
  transitions,
};
