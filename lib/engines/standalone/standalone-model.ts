import type { StandaloneDatabaseSpec } from './standalone-schema';
import type { ConfigIssue } from '../../config/config-error';
import { quantityBytes } from '../../config/quantity';
import { consumerAccessIssues } from './consumer-access';
import type { EngineModel } from '../../model/engine-model';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { type ArchiveLocation, sameBootstrap } from '../../config/stack-state';
import { describeBootstrap } from '../../config/state-text';
import { type StandaloneFacts, writersText } from './standalone-facts';
import { standaloneRecovery } from './standalone-recovery';
import { standaloneDrillIssues } from './standalone-drill-issues';

/**
 * The PVC of the `dump` backup method with target `pvc`: one per generation, so every
 * generation's nightly CronJob has a volume of its own (one `ReadWriteOnce` claim shared by all
 * of them would stall on Multi-Attach whenever two ran on different nodes).
 */
export const backupClaimName = (generation: string) => `${generation}-backups`;

/**
 * Where a generation's nightly dumps go (`dump` method): the folder `<gen>/` on its own PVC
 * (`pvc://<namespace>/<gen>-backups/<gen>/`), or `<prefix><gen>/` in the bucket, so a restored or
 * upgraded server never writes where its source does. blackbox keeps no per-generation location
 * (it names files after its own database id): each storage target is recorded for every generation.
 */
export function standaloneArchives(db: ResolvedDatabase<StandaloneDatabaseSpec>, gen: Pick<ResolvedGeneration, 'name'>): ArchiveLocation[] {
  const b = db.spec.backup;
  // blackbox dumps the database's Service to every storage target: each is a copy of every live
  // generation's backups (the serving one's, and so the others' once they serve), shared by design.
  if (b.method === 'blackbox') return b.storage.map((s) => ({ repo: `blackbox:${s.id}`, kind: 's3' as const, url: `s3://${s.bucket}/` }));
  if (b.method !== 'dump') return [];
  if ('pvc' in b.target) return [{ kind: 'pvc', url: `pvc://${db.namespace}/${backupClaimName(gen.name)}/${gen.name}/` }];
  return [{ kind: 's3', url: `s3://${b.target.s3.bucket}/${b.target.s3.prefix}${gen.name}/` }];
}

/** The sized volumes of a generation: its data and, with dumps to a PVC, its backups claim (neither may shrink). */
function standaloneVolumes(db: ResolvedDatabase<StandaloneDatabaseSpec>): Record<string, { readonly size: string; readonly path: string }> {
  const b = db.spec.backup;
  return {
    data: { size: db.spec.storage.size, path: `${db.path}.storage.size` },
    ...(b.method === 'dump' && 'pvc' in b.target
      ? { backups: { size: b.target.pvc.size, path: `${db.path}.backup.target.pvc.size` } }
      : {}),
  };
}

/** The writers as the upgrade Jobs see them. */
function writersOf(db: ResolvedDatabase<StandaloneDatabaseSpec>): NonNullable<StandaloneFacts['writers']> {
  return (db.spec.writers ?? []).map((w) => ({ namespace: w.namespace, name: w.name, replicas: w.replicas }));
}

export const standaloneModel: EngineModel<StandaloneDatabaseSpec, StandaloneFacts> = {
  // A data directory cannot change major in place: a newer major is a new server filled by dump/import.
  upgrade: 'new-generation',
  recovery: (db, gen) => standaloneRecovery(db, gen, standaloneArchives(db, gen)),
  archives: standaloneArchives,
  volumes: standaloneVolumes,
  check: (db) => [...consumerAccessIssues(db), ...standaloneDrillIssues(db)],
  // The writers an upgrade scales, so a later synth can refuse editing them mid-cutover, and the
  // size of the dump volume of a generation loaded from a dump (an upgrade, or a restore that downloads one).
  engineFacts: (db, gen) => {
    if (gen.bootstrap.kind === 'initdb') return undefined;
    const dumpSize = db.spec.upgrade.dumpSize ?? db.spec.storage.size;
    return gen.bootstrap.kind === 'upgrade' ? { writers: writersOf(db), dumpSize } : { dumpSize };
  },
  transitions(db, gen, before, after, path): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    // The import ran once into an empty server; another source would be imported on top of it.
    if (!sameBootstrap(before.bootstrap, after.bootstrap) && after.bootstrap.kind !== 'initdb') {
      const field = gen.bootstrap.kind === 'restore' ? 'restoreFrom' : 'upgradeFrom';
      issues.push({
        path: `${path}.${field}`,
        value: describeBootstrap(after.bootstrap),
        allowed: `${describeBootstrap(before.bootstrap)}: ${gen.name} was created that way, and its import runs once, into an empty server`,
        fix: `keep ${field} as it was (or remove it once the import has finished); to load another source, add a generation with a new name`,
      });
    }
    // Editing writers replaces both scale Jobs; once cutting over, they would race (down vs up).
    const was = before.engineFacts?.writers && writersText(before.engineFacts.writers);
    const now = after.engineFacts?.writers && writersText(after.engineFacts.writers);
    if (gen.serving && was !== undefined && now !== undefined && was !== now) {
      issues.push({
        path: `${db.path}.writers`,
        value: now,
        allowed: `the writers ${gen.name}'s upgrade scaled (${was || 'none'}) while it is being cut over: a changed list reruns both the scale-down and the scale-up Job`,
        fix: `keep writers as they were until the upgrade is finished: remove upgradeFrom from ${gen.name} first, then edit writers`,
      });
    }
    // The dump volume is not a `volumes` entry (it goes, harmlessly, once the upgrade is done), but it cannot shrink either.
    const dumpWas = before.engineFacts?.dumpSize;
    const dumpNow = after.engineFacts?.dumpSize;
    if (dumpWas !== undefined && dumpNow !== undefined && (quantityBytes(dumpNow) ?? 0) < (quantityBytes(dumpWas) ?? 0)) {
      issues.push({
        path: db.spec.upgrade.dumpSize !== undefined ? `${db.path}.upgrade.dumpSize` : `${db.path}.storage.size`,
        value: dumpNow,
        allowed: `${dumpWas} or more: Kubernetes volumes can grow but never shrink (${gen.name}'s dump volume ${gen.name}-dump)`,
        fix: `keep ${dumpWas} until the upgrade is done (remove upgradeFrom from ${gen.name} first)`,
      });
    }
    return issues;
  },
};
