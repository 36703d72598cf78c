import type { ConfigIssue } from '../../config/config-error';
import type { CrunchyDatabaseSpec, CrunchyGenerationSpec, CrunchyRepoSpec } from './crunchy-schema';
import type { EngineModel } from '../../model/engine-model';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { ArchiveLocation, GenerationState } from '../../config/stack-state';
import type { CrunchyFacts } from './crunchy-facts';
import { crunchyRecovery } from './crunchy-recovery';
import { crunchyDrillIssues } from './crunchy-drill-issues';

/** Annotations PGO acts on (`internal/naming/annotations.go`). */
export const PGO_ANNOTATIONS = {
  /** A new value starts the manual backup described by `backups.pgbackrest.manual`. */
  backup: 'postgres-operator.crunchydata.com/pgbackrest-backup',
  /** A new value starts the in-place restore described by `backups.pgbackrest.restore`. */
  restore: 'postgres-operator.crunchydata.com/pgbackrest-restore',
  /** Names the PGUpgrade allowed to upgrade the cluster. */
  allowUpgrade: 'postgres-operator.crunchydata.com/allow-upgrade',
} as const;

type CrunchyDb = ResolvedDatabase<CrunchyDatabaseSpec>;

/** The stack entry of a generation (undefined for the default generation, which has no fields of its own). */
export function generationSpecOf(db: CrunchyDb, gen: Pick<ResolvedGeneration, 'index'>): CrunchyGenerationSpec | undefined {
  return gen.index >= 0 ? db.spec.generations?.[gen.index] : undefined;
}

/** Secret PGO writes for a user: `<cluster>-pguser-<user>` (keys host, port, user, password, dbname, uri, ...). */
export function userSecretName(cluster: string, user: string): string {
  return `${cluster}-pguser-${user}`;
}

/** The user a consumer connects as when it names none: the first user. */
export function consumerUser(spec: CrunchyDatabaseSpec): string {
  return spec.users[0].name;
}

/** PVC PGO creates for a volume repository of a cluster. */
export function repoClaimName(cluster: string, repo: string): string {
  return `${cluster}-${repo}`;
}

/**
 * `repoN-path` of a cloud repository for one generation: `<prefix>/<generation>/<repo>`. A cloud
 * repository otherwise defaults to `/pgbackrest/<repo>` whatever the cluster (PGO
 * `internal/pgbackrest/config.go`), so a restored generation sharing the bucket would write into
 * its source's stanza. The namespace in the default prefix keeps environments sharing a bucket apart.
 * Volume repositories keep PGO's default: the path must stay on the PVC mounted at `/pgbackrest/<repo>`,
 * and each cluster has its own PVC.
 */
export function repoPath(namespace: string, cluster: string, repo: CrunchyRepoSpec): string | undefined {
  const cloud = repo.s3 ?? repo.gcs ?? repo.azure;
  if (!cloud) return undefined;
  return `${cloud.pathPrefix ?? `/pgbackrest/${namespace}`}/${cluster}/${repo.name}`;
}

/** Where a generation's repository lives, as recorded in state: `pvc://<ns>/<claim>/`, `s3://bucket/path`, ... */
export function repoLocation(namespace: string, cluster: string, repo: CrunchyRepoSpec): ArchiveLocation {
  const path = repoPath(namespace, cluster, repo);
  const at = (kind: ArchiveLocation['kind'], url: string): ArchiveLocation => ({ repo: repo.name, kind, url });
  if (repo.s3) return at('s3', `s3://${repo.s3.bucket}${path}`);
  if (repo.gcs) return at('gs', `gs://${repo.gcs.bucket}${path}`);
  if (repo.azure) return at('azure', `azure://${repo.azure.container}${path}`);
  return at('pvc', `pvc://${namespace}/${repoClaimName(cluster, repo.name)}/`);
}

/** Deterministic PGUpgrade name: one object per cluster and version step (PGUpgrades are single-use). */
export function pgUpgradeName(cluster: string, from: number, to: number): string {
  return `${cluster}-upgrade-${from}-to-${to}`;
}

/**
 * The acknowledgement of a change that destroys a generation's data (in-place restore, dropping a
 * volume repository): `pgfleet diff`'s gate for the same change.
 */
export const destroysDataPhrase = (generation: string) => `destroys-data:${generation}`;

type CrunchyState = GenerationState<CrunchyFacts>;

function phaseOf(state: CrunchyState): { phase?: string; to?: number } {
  return { phase: state.engineFacts?.upgrade?.phase, to: state.engineFacts?.upgrade?.to };
}

/**
 * Rules comparing a generation with the previous synth: upgrade phases in order, no volume
 * repository dropped without acknowledgement.
 */
function transitions(db: CrunchyDb, gen: ResolvedGeneration, before: CrunchyState, after: CrunchyState, path: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const was = phaseOf(before);
  const now = phaseOf(after);
  const ack = new Set(db.spec.acknowledge);
  const upath = `${path}.upgrade`;
  // The setting the version comes from: the generation's own, or the database's when it has none.
  const vpath = gen.versionPath;
  const bv = before.postgresVersion;
  const av = after.postgresVersion;

  if (!was.phase && !now.phase && av > bv) {
    issues.push({
      path: vpath,
      value: av,
      allowed: `${bv} until the upgrade is prepared: PGO refuses a new postgresVersion on a cluster whose data is still ${bv}`,
      fix: `keep postgresVersion: ${bv} and add upgrade: {to: ${av}, phase: prepare}; set phase: complete once the PGUpgrade succeeded`,
    });
  }
  if (!was.phase && now.phase === 'complete') {
    issues.push({
      path: `${upath}.phase`,
      value: 'complete',
      allowed: `prepare first: ${gen.name} has no PGUpgrade yet and is still running PostgreSQL ${bv}`,
      fix: 'set phase: prepare, apply it and wait for the PGUpgrade to succeed, then set phase: complete',
    });
  }
  if (now.phase && was.phase && now.to !== was.to) {
    issues.push({
      path: `${upath}.to`,
      value: now.to,
      allowed: `${was.to}: the upgrade in progress (phase ${was.phase}) goes to ${was.to}`,
      fix: `finish the upgrade to ${was.to} first, then start another one`,
    });
  }
  if (now.phase && av !== bv) {
    issues.push({
      path: vpath,
      value: av,
      allowed: `${bv} while upgrade is set: the generation's postgresVersion names the major it upgrades from`,
      fix: `keep postgresVersion: ${bv}; raise it to ${now.to} when you remove upgrade after phase complete`,
    });
  }
  if (was.phase === 'complete' && now.phase === 'prepare') {
    issues.push({
      path: `${upath}.phase`,
      value: 'prepare',
      allowed: `complete: ${gen.name} already runs PostgreSQL ${was.to} and pg_upgrade is one-way`,
      fix: `keep phase: complete, or finish with postgresVersion: ${was.to} and no upgrade`,
    });
  }
  // prepare → nothing with the old version abandons the upgrade: allowed here, gated by `pgfleet diff`
  // as destroys-data (safe only while the PGUpgrade has not started; after pg_upgrade --link the old
  // data directory no longer starts). With the new version it skips `complete`.
  if (was.phase === 'prepare' && !now.phase && av > bv) {
    issues.push({
      path: upath,
      value: undefined,
      allowed: `upgrade with phase: complete before it is removed: ${gen.name} is shut down for its PGUpgrade`,
      fix: `keep postgresVersion: ${bv} and set upgrade.phase: complete; remove upgrade in the change after that`,
    });
  }
  if (was.phase === 'complete' && !now.phase && was.to !== undefined && av !== was.to) {
    issues.push({
      path: vpath,
      value: av,
      allowed: `${was.to}: ${gen.name}'s data directory was upgraded to PostgreSQL ${was.to}`,
      fix:
        av < was.to
          ? `set postgresVersion: ${was.to} together with removing upgrade`
          : `set postgresVersion: ${was.to} first; a further major starts again with upgrade: {to: ${av}, phase: prepare}`,
    });
  }

  // PGO starts no backup Job while `shutdown: true` (the prepare phase): a one-off backup asked for then never runs.
  if (
    now.phase === 'prepare' &&
    after.engineFacts?.manualBackup !== undefined &&
    after.engineFacts.manualBackup !== before.engineFacts?.manualBackup
  ) {
    issues.push({
      path: `${db.path}.backups.manual.id`,
      value: after.engineFacts.manualBackup,
      allowed: `a one-off backup of a running cluster: ${gen.name} is shut down for its PGUpgrade (upgrade.phase: prepare), and PGO takes no backup while it is`,
      fix: `take the backup first: apply backups.manual alone and wait for its Job to complete, then set upgrade.phase: prepare in a later change`,
    });
  }

  // PGO deletes the PVC of a volume repository that leaves the spec (cleanupRepoResources).
  const volumeRepos = (e: CrunchyState) => e.archives.filter((a) => a.kind === 'pvc' && a.repo !== undefined).map((a) => a.repo!);
  const kept = new Set(volumeRepos(after));
  for (const repo of volumeRepos(before)) {
    if (kept.has(repo) || ack.has(destroysDataPhrase(gen.name))) continue;
    issues.push({
      path: `${db.path}.backups.repos`,
      value: repo,
      allowed: `volume repository ${repo} stays a volume repository: PGO deletes PVC ${repoClaimName(gen.name, repo)} and every backup in it as soon as it leaves the spec`,
      fix: `keep ${repo}; to move backups elsewhere, add the new repository in a free slot and let it take a full backup first; to drop it anyway add "${destroysDataPhrase(gen.name)}" to acknowledge`,
    });
  }
  return issues;
}

/**
 * The sized volumes of a generation: each instance set's data volumes (`instance:<set>`, sized by
 * the set's own storage or the database's) and each volume repository (`repo:<name>`). pgfleet
 * renders no separate WAL volume (`walVolumeClaimSpec`), so WAL lives on the data volume.
 */
export function crunchyVolumes(db: CrunchyDb): Record<string, { readonly size: string; readonly path: string }> {
  const volumes: Record<string, { size: string; path: string }> = {};
  db.spec.instances.forEach((s, i) => {
    volumes[`instance:${s.name}`] = s.storage
      ? { size: s.storage.size, path: `${db.path}.instances[${i}].storage.size` }
      : { size: db.spec.storage.size, path: `${db.path}.storage.size` };
  });
  db.spec.backups.repos.forEach((r, i) => {
    if (r.volume) volumes[`repo:${r.name}`] = { size: r.volume.size, path: `${db.path}.backups.repos[${i}].volume.size` };
  });
  return volumes;
}

export const crunchyModel: EngineModel<CrunchyDatabaseSpec, CrunchyFacts> = {
  upgrade: 'in-place',
  recovery: (db, gen) => crunchyRecovery(db, gen, crunchyModel.archives!(db, gen)),
  check: crunchyDrillIssues,
  archives: (db, gen) => db.spec.backups.repos.map((r) => repoLocation(db.namespace, gen.name, r)),
  volumes: (db) => crunchyVolumes(db),
  engineFacts: (db, gen) => {
    const g = generationSpecOf(db, gen);
    const manual = db.spec.backups.manual;
    const manualBackup = manual && (manual.generation ?? db.serving.name) === gen.name ? manual.id : undefined;
    if (!g?.upgrade && !g?.restoreInPlace && !manualBackup) return undefined;
    return {
      ...(g?.upgrade ? { upgrade: { phase: g.upgrade.phase, to: g.upgrade.to } } : {}),
      ...(g?.restoreInPlace ? { restoreInPlace: g.restoreInPlace.id } : {}),
      ...(manualBackup ? { manualBackup } : {}),
    };
  },
  transitions,
};
