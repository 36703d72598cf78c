import type { ConfigIssue } from '../../config/config-error';
import type { PatroniDatabaseSpec } from './patroni-schema';
import { patroniNames } from './patroni-names';
import type { EngineModel } from '../../model/engine-model';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { type ArchiveLocation, type GenerationState, sameBootstrap, sameTarget } from '../../config/stack-state';
import { describeBootstrap, describeTarget } from '../../config/state-text';
import { TargetTime } from '../../config/target-time';
import type { PatroniFacts } from './patroni-facts';
import { patroniRecovery } from './patroni-recovery';
import { patroniDrillIssues } from './patroni-drill-issues';

/**
 * Where a Patroni generation's dumps live: its own backup volume. A restored or upgraded
 * generation gets a new volume (its name carries the generation), and it only mounts its
 * source's volume to read a dump.
 */
export function patroniArchive(namespace: string, gen: Pick<ResolvedGeneration, 'name'>): ArchiveLocation {
  return { kind: 'pvc', url: `pvc://${namespace}/${patroniNames.backupPvc(gen.name)}/` };
}

/** The in-place restore of a generation, so the next synth sees an id reused for another dump. */
function inPlaceRestoreOf(spec: PatroniDatabaseSpec, gen: ResolvedGeneration): PatroniFacts['inPlaceRestore'] {
  const r = spec.inPlaceRestore;
  if (!r || r.generation !== gen.name) return undefined;
  const target =
    r.backupFile !== undefined
      ? { kind: 'backupFile' as const, file: r.backupFile }
      : { kind: 'time' as const, time: TargetTime.parse(r.targetTime!)!.rfc3339 };
  return { id: r.id, target };
}

function transitions(
  db: ResolvedDatabase<PatroniDatabaseSpec>,
  gen: ResolvedGeneration,
  before: GenerationState<PatroniFacts>,
  after: GenerationState<PatroniFacts>,
  path: string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];

  // A restore or upgrade Job loads data with DROP DATABASE first; it may run only into a new generation.
  if (!sameBootstrap(before.bootstrap, after.bootstrap) && after.bootstrap.kind !== 'initdb') {
    const field = after.bootstrap.kind === 'restore' ? 'restoreFrom' : 'upgradeFrom';
    issues.push({
      path: `${path}.${field}`,
      value: describeBootstrap(after.bootstrap),
      allowed: `"${describeBootstrap(before.bootstrap)}", as ${gen.name} was created: the ${field === 'restoreFrom' ? 'restore' : 'upgrade'} Job drops the database it loads into, so on a running generation it would replace live data`,
      fix: `remove ${field} from ${gen.name} and add a new generation with it; to replace ${gen.name}'s data on purpose use inPlaceRestore (acknowledged)`,
    });
  }

  const dbBefore = before.engineFacts?.database;
  const dbAfter = after.engineFacts?.database;
  if (dbBefore !== undefined && dbAfter !== undefined && dbBefore !== dbAfter) {
    issues.push({
      path: `${db.path}.database`,
      value: dbAfter,
      allowed: `${dbBefore}: the image's post_init created ${gen.name}'s application database once, at bootstrap; a new name would point consumers and backups at a database that does not exist`,
      fix: `keep database: ${dbBefore}; rename it with SQL (ALTER DATABASE) first, or use the new name in a new generation`,
    });
  }

  const ipBefore = before.engineFacts?.inPlaceRestore;
  const ipAfter = after.engineFacts?.inPlaceRestore;
  if (ipBefore && ipAfter && ipBefore.id === ipAfter.id && !sameTarget(ipBefore.target, ipAfter.target)) {
    issues.push({
      path: `${db.path}.inPlaceRestore.id`,
      value: ipAfter.id,
      allowed: `a new id for another dump: id ${ipBefore.id} already restored ${describeTarget(ipBefore.target)}, and its Jobs cannot change`,
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
export const patroniModel: EngineModel<PatroniDatabaseSpec, PatroniFacts> = {
  upgrade: 'new-generation',
  recovery: patroniRecovery,
  check: patroniDrillIssues,
  archives: (db, gen) => [
    patroniArchive(db.namespace, gen),
    // The S3 copy of every dump: dropping or moving it loses the off-cluster copy.
    ...(db.spec.backup.s3 ? [{ repo: 's3-copy', kind: 's3' as const, url: `s3://${db.spec.backup.s3.bucket}/` }] : []),
  ],
  volumes: (db) => ({
    data: { size: db.spec.storage.size, path: `${db.path}.storage.size` },
    backup: { size: db.spec.backup.storage.size, path: `${db.path}.backup.storage.size` },
    verification: { size: db.spec.backup.verification.storage.size, path: `${db.path}.backup.verification.storage.size` },
  }),
  engineFacts: (db, gen) => {
    const ip = inPlaceRestoreOf(db.spec, gen);
    return { database: db.spec.database, ...(ip ? { inPlaceRestore: ip } : {}) };
  },
  transitions,
};
