import { joinPath, type ConfigIssue } from '../../config/config-error';
import { archiveFolders, folderContains, type SpiloDatabaseSpec } from './spilo-schema';
import type { StackSpec } from '../../config/stack-spec';
import type { EngineModel } from '../../model/engine-model';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { type GenerationState, sameBootstrap } from '../../config/stack-state';
import { describeBootstrap } from '../../config/state-text';
import type { SpiloFacts } from './spilo-facts';
import { spiloRecovery } from './spilo-recovery';
import { spiloDrillIssues } from './spilo-drill-issues';

type GenerationRef = Pick<ResolvedGeneration, 'name' | 'index'>;

/**
 * The folder in the bucket a Spilo generation archives to (`walE.gcsBucketBackupLocation`):
 * `<backup.location>/<generation>` unless the generation names its own. Generation names are
 * never reused, so a restored or upgraded generation always starts a fresh prefix.
 */
export function spiloBackupLocation(spec: SpiloDatabaseSpec, gen: GenerationRef): string {
  const own = gen.index >= 0 ? spec.generations?.[gen.index]?.backupLocation : undefined;
  return own ?? `${spec.backup!.location}/${gen.name}`;
}

/**
 * The generation's WAL-G prefix, exactly as the chart writes `WALE_GS_PREFIX`
 * (`gs://<walE.gcsBucket>/<walE.gcsBucketBackupLocation>`); Spilo copies it to `WALG_GS_PREFIX`.
 */
export function spiloWalPrefix(spec: SpiloDatabaseSpec, gen: GenerationRef): string {
  return `gs://${spec.backup!.bucket}/${spiloBackupLocation(spec, gen)}`;
}

/**
 * WAL prefixes of different Spilo databases of the stack that are equal or nested (the schema
 * checks the generations of one database). A prefix inside another's would be deleted with it once
 * the outer generation is retired. Blames the generation with its own backupLocation, else the
 * later database's `backup.location`.
 *
 * It needs the whole stack: the model calls it once per stack (`checkStack`).
 */
export function spiloPrefixConflicts(stack: StackSpec): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const dbs = stack.databases.flatMap((d, i) =>
    d.engine === 'spilo' && (d as SpiloDatabaseSpec).backup?.bucket !== undefined
      ? [{ spec: d as SpiloDatabaseSpec, path: `pgfleet:databases[${i}]` }]
      : [],
  );
  dbs.forEach((b, bi) => {
    for (const a of dbs.slice(0, bi)) {
      if (a.spec.backup!.bucket !== b.spec.backup!.bucket) continue;
      const gs = (f: string) => `gs://${b.spec.backup!.bucket}/${f}`;
      for (const fb of archiveFolders(b.spec)) {
        for (const fa of archiveFolders(a.spec)) {
          if (!folderContains(fa.folder, fb.folder) && !folderContains(fb.folder, fa.folder)) continue;
          const [blamed, other] =
            fa.explicit && !fb.explicit
              ? [
                  { db: a, f: fa },
                  { db: b, f: fb },
                ]
              : [
                  { db: b, f: fb },
                  { db: a, f: fa },
                ];
          const relation =
            blamed.f.folder === other.f.folder ? 'is' : folderContains(blamed.f.folder, other.f.folder) ? 'holds' : 'lies inside';
          issues.push({
            path: joinPath([blamed.db.path, ...(blamed.f.explicit ? blamed.f.path : ['backup', 'location'])]),
            value: gs(blamed.f.folder),
            allowed: `a WAL prefix that neither is, holds nor lies inside another database's (it ${relation} ${gs(other.f.folder)}, where ${other.db.spec.name}/${other.f.name} archives)`,
            fix: "give one of them a backup.location (or backupLocation) beside the other's",
          });
        }
      }
    }
  });
  return issues;
}

/** How Patroni keeps its DCS keys, recorded so it cannot flip under a running scope. */
function dcsOf(spec: SpiloDatabaseSpec): SpiloFacts['dcs'] {
  return spec.dcs.configMaps ? 'configmaps' : 'endpoints';
}

function transitions(
  db: ResolvedDatabase<SpiloDatabaseSpec>,
  gen: ResolvedGeneration,
  before: GenerationState<SpiloFacts>,
  after: GenerationState<SpiloFacts>,
  path: string,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const spec = db.spec;
  const own = gen.index >= 0 ? spec.generations?.[gen.index] : undefined;

  // One WAL-G prefix per generation: `gs://<bucket>/<folder>`.
  const was = before.archives[0]?.url;
  const now = after.archives[0]?.url;
  if (was && now && was !== now) {
    const [, oldBucket, oldFolder] = /^gs:\/\/([^/]+)\/(.+)$/.exec(was) ?? [];
    const sameBucket = oldBucket === spec.backup!.bucket;
    const where =
      own?.backupLocation !== undefined ? `${path}.backupLocation` : sameBucket ? `${db.path}.backup.location` : `${db.path}.backup.bucket`;
    issues.push({
      path: where,
      value: now,
      allowed: `${was}: ${gen.name} has archived there since it was created; a new prefix would split its WAL history, and a restore reads one prefix only`,
      fix: sameBucket
        ? `keep the old folder for ${gen.name}: list it under generations with backupLocation: ${oldFolder}`
        : `keep backup.bucket: ${oldBucket}; to move to another bucket, restore into a new generation (restoreFrom) that archives there`,
    });
  }

  if (!sameBootstrap(before.bootstrap, after.bootstrap) && after.bootstrap.kind !== 'initdb') {
    const field = after.bootstrap.kind === 'restore' ? 'restoreFrom' : 'upgradeFrom';
    issues.push({
      path: `${path}.${field}`,
      value: describeBootstrap(after.bootstrap),
      allowed: `"${describeBootstrap(before.bootstrap)}", as ${gen.name} was created: Patroni bootstraps a scope once, so CLONE_* settings on a running generation do nothing until its volumes are lost, and then clone again`,
      fix: `remove ${field} from ${gen.name} and add a new generation with it (if ${gen.name} was never deployed, give it a new name instead)`,
    });
  }

  const dcsBefore = before.engineFacts?.dcs;
  const dcsAfter = after.engineFacts?.dcs;
  if (dcsBefore !== undefined && dcsAfter !== undefined && dcsBefore !== dcsAfter) {
    issues.push({
      path: `${db.path}.dcs.configMaps`,
      value: spec.dcs.configMaps,
      allowed: `${dcsBefore === 'configmaps'}: ${gen.name} keeps its leader and initialize keys in ${dcsBefore}; in the other store Patroni would find no cluster and race to bootstrap one`,
      fix: `keep dcs.configMaps: ${dcsBefore === 'configmaps'}; use the other store in a new generation restored from this one`,
    });
  }
  return issues;
}

/**
 * Spilo facts: blue/green upgrades (a newer major is a new scope cloned from the live one, which
 * Spilo pg_upgrades while cloning), each generation's WAL-G prefix, and its DCS store.
 */
export const spiloModel: EngineModel<SpiloDatabaseSpec, SpiloFacts> = {
  upgrade: 'new-generation',
  recovery: (db, gen) => spiloRecovery(db, gen, spiloModel.archives!(db, gen)),
  check: spiloDrillIssues,
  archives: (db, gen) => [{ kind: 'gs', url: spiloWalPrefix(db.spec, gen) }],
  engineFacts: (db) => ({ dcs: dcsOf(db.spec) }),
  transitions,
  checkStack: spiloPrefixConflicts,
};
