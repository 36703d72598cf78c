import type { ConfigIssue } from '../config/config-error';
import type { SpiloDatabaseSpec } from '../config/schema/spilo';
import type { EngineModel } from './engine-model';
import type { ResolvedDatabase, ResolvedGeneration } from './resolved';
import type { GenerationState } from './stack-state';

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

/** How Patroni keeps its DCS keys, recorded so it cannot flip under a running scope. */
function dcsOf(spec: SpiloDatabaseSpec): string {
  return spec.dcs.configMaps ? 'configmaps' : 'endpoints';
}

function transitions(db: ResolvedDatabase<SpiloDatabaseSpec>, gen: ResolvedGeneration, before: GenerationState, after: GenerationState, path: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const spec = db.spec;
  const own = gen.index >= 0 ? spec.generations?.[gen.index] : undefined;

  if (before.archive && after.archive && before.archive !== after.archive) {
    const [, oldBucket, oldFolder] = /^gs:\/\/([^/]+)\/(.+)$/.exec(before.archive) ?? [];
    const sameBucket = oldBucket === spec.backup!.bucket;
    const where = own?.backupLocation !== undefined ? `${path}.backupLocation` : sameBucket ? `${db.path}.backup.location` : `${db.path}.backup.bucket`;
    issues.push({
      path: where,
      value: after.archive,
      allowed: `${before.archive}: ${gen.name} has archived there since it was created; a new prefix would split its WAL history, and a restore reads one prefix only`,
      fix: sameBucket
        ? `keep the old folder for ${gen.name}: list it under generations with backupLocation: ${oldFolder}`
        : `keep backup.bucket: ${oldBucket}; to move to another bucket, restore into a new generation (restoreFrom) that archives there`,
    });
  }

  if (before.bootstrap !== after.bootstrap && after.bootstrap !== 'initdb') {
    const field = after.bootstrap.startsWith('restore') ? 'restoreFrom' : 'upgradeFrom';
    issues.push({
      path: `${path}.${field}`,
      value: after.bootstrap,
      allowed: `"${before.bootstrap}", as ${gen.name} was created: Patroni bootstraps a scope once, so CLONE_* settings on a running generation do nothing until its volumes are lost, and then clone again`,
      fix: `remove ${field} from ${gen.name} and add a new generation with it (if ${gen.name} was never deployed, give it a new name instead)`,
    });
  }

  const dcsBefore = before.extra?.dcs;
  const dcsAfter = after.extra?.dcs;
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
export const spiloModel: EngineModel<SpiloDatabaseSpec> = {
  upgrade: 'new-generation',
  archive: (db, gen) => spiloWalPrefix(db.spec, gen),
  extra: (db) => ({ dcs: dcsOf(db.spec) }),
  transitions,
};
