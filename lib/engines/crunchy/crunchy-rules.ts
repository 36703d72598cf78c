/**
 * What changes to Crunchy PGO objects do, for `pgfleet diff` and `pgfleet plan`.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/disaster-recovery (dataSource, in-place restore)
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/backup-management (manual backups)
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/guides/major-postgres-version-upgrade (PGUpgrade)
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/guides/storage-retention (PV reclaim policy)
 * @see internal/controller/postgrescluster/pgbackrest.go cleanupRepoResources (a repo leaving the spec loses its PVC)
 */
import { PGO_ANNOTATIONS } from './crunchy-model';
import type { ChangeClass, ChangeContext, ChangeRule } from '../change-rule';
import { sizeChange } from '../rule-conditions';

const CLUSTER = 'postgres-operator.crunchydata.com/v1beta1 PostgresCluster';
const UPGRADE = 'postgres-operator.crunchydata.com/v1beta1 PGUpgrade';
const REPOS = 'spec.backups.pgbackrest.repos';

/** Label selector of a cluster's pods and volumes, as PGO labels them. */
const SELECTOR = 'postgres-operator.crunchydata.com/cluster={{name}}';
const PRIMARY = `$(kubectl -n {{namespace}} get pod -l ${SELECTOR},postgres-operator.crunchydata.com/role=master -o name)`;

const primaryUp = `wait: the primary runs: \`kubectl -n {{namespace}} get pods -l ${SELECTOR},postgres-operator.crunchydata.com/role=master\` shows one pod Running and Ready`;
const restoreDone =
  'wait: the restore Job finishes: `kubectl -n {{namespace}} logs -f job/{{name}}-pgbackrest-restore`, then `kubectl -n {{namespace}} get postgrescluster {{name}} -o jsonpath=\'{.status.conditions[?(@.type=="PostgresDataInitialized")].status}\'` prints True';
const restoreEvents =
  'check: no InvalidDataSource event: `kubectl -n {{namespace}} get events --field-selector involvedObject.name={{name}}` (the source cluster must exist and have the repository)';
const pvPatch = `manual: keep the repository volume when the cluster is deleted: \`for pv in $(kubectl -n {{namespace}} get pvc -l ${SELECTOR},postgres-operator.crunchydata.com/pgbackrest-volume -o jsonpath='{.items[*].spec.volumeName}'); do kubectl patch pv "$pv" -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'; done\`, and record the PV names in the runbook`;
const storageClassCheck =
  'check: the repository StorageClass retains volumes: `kubectl get storageclass $(kubectl -n {{namespace}} get pvc -l ' +
  SELECTOR +
  ",postgres-operator.crunchydata.com/pgbackrest-volume -o jsonpath='{.items[0].spec.storageClassName}') -o jsonpath='{.reclaimPolicy}'` prints Retain";
const firstBackup = `check: a first backup exists in the new repository: \`kubectl -n {{namespace}} exec ${PRIMARY} -c database -- pgbackrest info\``;

const instancePods = `$(kubectl -n {{namespace}} get pod -l ${SELECTOR},postgres-operator.crunchydata.com/instance -o name)`;

const isRestore = (c: ChangeContext) => c.state.after?.bootstrap.kind === 'restore';
const annotation = (c: ChangeContext, value: string) =>
  Object.entries(c.after?.metadata?.annotations ?? {}).some(
    ([k, v]) => /^pgfleet\.io\/repo[1-4]-on-cluster-delete$/.test(k) && v === value,
  );

/** The PostgresCluster's `spec.postgresVersion` goes up in this change (the upgrade's complete phase). */
const versionRaised = (c: ChangeContext) => Number(c.after?.spec?.postgresVersion) > Number(c.before?.spec?.postgresVersion);
/** The cluster carries the allow-upgrade annotation after the change (the upgrade's prepare phase). */
const upgradeAllowed = (c: ChangeContext) => c.after?.metadata?.annotations?.[PGO_ANNOTATIONS.allowUpgrade] !== undefined;

/**
 * Rules for a volume size field: growth is safe, a shrink destroys data (Kubernetes refuses it, and
 * the only smaller volume is a new generation restored from backup; the config already refuses it
 * at synth), the same size written differently changes nothing.
 */
function sizeRules(path: string, what: string, grow: 'grow' | 'grows', growSteps: ChangeRule['steps']): ChangeRule[] {
  const rule = (
    change: 'grows' | 'shrinks' | 'same' | undefined,
    cls: ChangeClass,
    why: string,
    steps: ChangeRule['steps'] = [],
  ): ChangeRule => ({
    kind: CLUSTER,
    path,
    on: 'changed',
    ...(change ? { when: (b: unknown, a: unknown) => sizeChange(b, a) === change } : {}),
    class: cls,
    why,
    steps,
  });
  return [
    rule('grows', 'safe', `${what} ${grow} ({{before}} → {{after}}) if the StorageClass allows expansion`, growSteps),
    rule(
      'shrinks',
      'destroys-data',
      `${what} would shrink ({{before}} → {{after}}): Kubernetes refuses to shrink a PersistentVolumeClaim, and a smaller volume is a new, empty one; keep {{before}}, or restore into a new generation with smaller volumes (pgfleet refuses this at synth)`,
    ),
    rule('same', 'no-op', `${what}: the same size written differently ({{before}} → {{after}})`),
    rule(undefined, 'restart', `${what} {{before}} → {{after}}: not a size pgfleet can compare, review by hand`),
  ];
}

const expansionCheck = (claims: string) =>
  `before: the StorageClass allows expansion: \`kubectl get storageclass $(kubectl -n {{namespace}} get pvc -l ${SELECTOR},${claims} -o jsonpath='{.items[0].spec.storageClassName}') -o jsonpath='{.allowVolumeExpansion}'\` prints true (otherwise the PVCs stay at {{before}})`;

/** A new cluster: restored or empty, with the step its volume repositories' protection needs. */
function added(restore: boolean, protection: 'kept-by-pv-patch' | 'kept-by-storage-class' | 'other'): ChangeRule {
  return {
    kind: CLUSTER,
    path: '',
    on: 'added',
    when: (_b, _a, c) =>
      isRestore(c) === restore &&
      (protection === 'other' ? !annotation(c, 'kept-by-pv-patch') && !annotation(c, 'kept-by-storage-class') : annotation(c, protection)),
    class: 'new-cluster',
    why: restore
      ? "new cluster {{name}} ({{bootstrap}}) with its own repositories; PGO reads the source's repository, which must keep existing until the restore is done; the live clusters are untouched"
      : 'new cluster {{name}} ({{bootstrap}}) with its own repositories',
    steps: [
      ...(restore ? [restoreDone, restoreEvents] : []),
      primaryUp,
      firstBackup,
      ...(protection === 'kept-by-pv-patch' ? [pvPatch] : protection === 'kept-by-storage-class' ? [storageClassCheck] : []),
    ],
  };
}

export const crunchyChangeRules: readonly ChangeRule[] = [
  // --- PostgresCluster: the generation itself -------------------------------------------------
  ...[true, false].flatMap((restore) => (['kept-by-pv-patch', 'kept-by-storage-class', 'other'] as const).map((p) => added(restore, p))),
  {
    kind: CLUSTER,
    path: '',
    on: 'removed',
    when: (_b, _a, c) => c.retiring,
    class: 'destroys-data',
    why: 'generation {{generation}} is retired: Pulumi lets go of PostgresCluster {{name}} (retainOnDelete); deleting it by hand deletes its data volumes and its volume repositories (PGO owns those PVCs), cloud repositories stay',
    steps: [
      `before: no generation restores from {{name}} any more (PGO reads the source cluster during a restore)`,
      `manual: record the repository PV names: \`kubectl -n {{namespace}} get pvc -l ${SELECTOR},postgres-operator.crunchydata.com/pgbackrest-volume -o custom-columns=PVC:.metadata.name,PV:.spec.volumeName\`; make sure they are Retain (\`kubectl get pv <pv> -o jsonpath='{.spec.persistentVolumeReclaimPolicy}'\`)`,
      'manual: after the grace period: `kubectl -n {{namespace}} delete postgrescluster {{name}}`',
    ],
  },
  {
    kind: CLUSTER,
    path: '',
    on: 'removed',
    class: 'destroys-data',
    why: 'PostgresCluster {{name}} of live generation {{generation}} leaves the stack: Pulumi keeps it unmanaged (retainOnDelete), but deleting it deletes its data and volume repositories',
  },
  {
    kind: CLUSTER,
    path: 'spec.dataSource',
    class: 'no-op',
    why: 'dataSource is read only when the cluster is first created: {{name}} keeps its data (to restore, add a generation with restoreFrom)',
  },
  // --- Major upgrade ------------------------------------------------------------------------------
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.allowUpgrade}`,
    on: 'added',
    class: 'irreversible',
    plus: [{ class: 'downtime', why: 'the cluster shuts down while pg_upgrade runs' }],
    why: 'PGUpgrade {{after}} may now upgrade {{name}}: PGO shuts the cluster down (spec.shutdown) and runs pg_upgrade, a one-way change of the data directory',
    steps: [
      "before: take a full backup: set backups.manual: {id: <new id>, type: full} for {{generation}}, apply, and wait for `kubectl -n {{namespace}} get postgrescluster {{name}} -o jsonpath='{.status.pgbackrest.manualBackup.finished}'` to print true",
      `before: make room for pg_upgrade on the primary's data volume: with transferMethod Copy (or CopyFileRange where the filesystem does not share blocks) it writes a second copy of the data next to the first, so \`kubectl -n {{namespace}} exec ${PRIMARY} -c database -- df -h /pgdata\` must show more available than used, else grow storage.size first; Link (hard links) and Clone (reflinks, on filesystems that support them) need almost no room`,
      'wait: `kubectl -n {{namespace}} get pgupgrade {{after}} -o jsonpath=\'{.status.conditions[?(@.type=="Succeeded")].status}\'` prints True (Progressing=False/PGClusterNotShutdown means the cluster is still shutting down)',
      'follow-up: set upgrade.phase: complete for {{generation}}',
    ],
  },
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.allowUpgrade}`,
    on: 'removed',
    when: (_b, _a, c) => !versionRaised(c),
    class: 'destroys-data',
    why: "the upgrade is abandoned and {{name}} starts again on its old major: safe only if PGUpgrade {{before}} has not started; once pg_upgrade has run with transferMethod Link, the old data directory shares its files with the new one and no longer starts (its replicas' old data is already removed), and only a restore brings it back",
    steps: [
      `before: check that PGUpgrade {{before}} has not started: \`kubectl -n {{namespace}} get pgupgrade {{before}} -o jsonpath='{.status.conditions}'\` shows it waiting (Progressing False, e.g. PGClusterNotShutdown) and \`kubectl -n {{namespace}} get job {{before}}-pgdata\` finds no Job; if pg_upgrade has run, do not abandon: set upgrade.phase: complete for {{generation}} instead`,
    ],
  },
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.allowUpgrade}`,
    on: 'removed',
    class: 'safe',
    why: 'no PGUpgrade may run on {{name}} any more',
  },
  {
    kind: CLUSTER,
    path: 'spec.shutdown',
    when: (_b, a, c) => a === true && upgradeAllowed(c),
    class: 'downtime',
    // The cluster stays down through the PGUpgrade until the complete phase starts it.
    outageContinues: true,
    why: 'PGO stops every PostgreSQL pod of {{name}} and suspends its backup CronJobs (volumes and Services stay); it stays down until upgrade.phase: complete is applied',
  },
  {
    kind: CLUSTER,
    path: 'spec.shutdown',
    when: (_b, a) => a === true,
    class: 'downtime',
    why: 'PGO stops every PostgreSQL pod of {{name}} and suspends its backup CronJobs (volumes and Services stay)',
  },
  {
    kind: CLUSTER,
    path: 'spec.shutdown',
    when: (b, a) => b === true && a !== true,
    class: 'restart',
    why: 'PGO starts {{name}} again',
    steps: [
      primaryUp,
      'manual: take down the maintenance page put up when {{name}} was shut down, once the primary runs and the checks pass',
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.shutdown',
    class: 'no-op',
    why: 'shutdown stays false',
  },
  {
    kind: CLUSTER,
    path: 'spec.postgresVersion',
    when: (b, a, c) => typeof b === 'number' && typeof a === 'number' && a > b && c.after?.spec?.shutdown !== true,
    class: 'restart',
    why: 'the upgraded cluster {{name}} starts on PostgreSQL {{after}} (PGO refuses this unless its PGUpgrade succeeded)',
    steps: [
      primaryUp,
      `check: \`kubectl -n {{namespace}} exec ${PRIMARY} -c database -- psql -Atc 'show server_version'\` prints {{after}}.x`,
      `manual: refresh planner statistics (pg_upgrade does not carry them over): \`kubectl -n {{namespace}} exec ${PRIMARY} -c database -- vacuumdb --all --analyze-in-stages\` (or \`ANALYZE\` in each database as a superuser); review /pgdata/update_extensions.sql if pg_upgrade wrote one`,
      `check: \`kubectl -n {{namespace}} exec ${PRIMARY} -c database -- pgbackrest info\` lists a backup taken after the upgrade (PITR to a time before it needs the old major); if not, take a full one with backups.manual`,
      `manual: once satisfied with the upgrade, remove the old PostgreSQL {{before}} data directory, as PGO's major-upgrade guide says (the equivalent of pg_upgrade's delete_old_cluster.sh; PGO already removed the replicas'): \`for pod in ${instancePods}; do kubectl -n {{namespace}} exec "$pod" -c database -- rm -rf /pgdata/pg{{before}} /pgdata/pg{{before}}_wal; done\`. With Link the new data directory keeps the shared files; a restore to before the upgrade comes from the repository, not from this directory`,
      'follow-up: set postgresVersion: {{after}} on {{generation}} and remove upgrade (removes the used PGUpgrade)',
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.postgresVersion',
    class: 'irreversible',
    why: 'postgresVersion {{before}} → {{after}} outside the PGUpgrade phases: review by hand',
  },
  {
    kind: UPGRADE,
    path: '',
    on: 'added',
    class: 'safe',
    why: 'PGUpgrade {{name}} waits until its cluster carries the allow-upgrade annotation and is shut down',
  },
  {
    kind: UPGRADE,
    path: '',
    on: 'removed',
    class: 'safe',
    why: 'the used PGUpgrade {{name}} goes (PGUpgrades are single-use)',
  },
  { kind: UPGRADE, path: 'spec', class: 'safe', why: 'PGUpgrade {{name}} changes before it runs' },
  // --- Backups ------------------------------------------------------------------------------------
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.backup}`,
    when: (_b, a) => a !== undefined,
    class: 'safe',
    why: 'one-off backup {{after}} of {{name}} ({{kind}} spec.backups.pgbackrest.manual)',
    steps: [
      "wait: `kubectl -n {{namespace}} get postgrescluster {{name}} -o jsonpath='{.status.pgbackrest.manualBackup}'` shows id {{after}} with finished: true and succeeded: 1",
    ],
  },
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.backup}`,
    class: 'no-op',
    why: 'the backup annotation goes; nothing runs',
  },
  {
    kind: CLUSTER,
    path: 'spec.backups.pgbackrest.manual',
    class: 'no-op',
    why: 'describes the next one-off backup; nothing runs until the backup annotation changes',
  },
  {
    kind: CLUSTER,
    path: `${REPOS}[*]`,
    on: 'removed',
    when: (b) => (b as { volume?: unknown } | undefined)?.volume !== undefined,
    class: 'destroys-data',
    why: 'a volume repository leaves {{name}}: PGO deletes its PVC, and every backup in it, right away',
  },
  {
    kind: CLUSTER,
    path: `${REPOS}[*].volume`,
    on: 'removed',
    class: 'destroys-data',
    why: 'the repository stops being a volume: PGO deletes its PVC and every backup in it',
  },
  {
    kind: CLUSTER,
    path: `${REPOS}[*]`,
    on: 'removed',
    class: 'safe',
    why: 'cloud repository leaves {{name}}: new WAL and backups stop going there; what is in the bucket stays',
  },
  {
    kind: CLUSTER,
    path: `${REPOS}[*]`,
    on: 'added',
    class: 'safe',
    why: 'a new repository: PGO creates its stanza; it holds no backup until the first scheduled or manual one',
    steps: ['follow-up: take a full backup into it (backups.manual with its repoName), so restores can use it'],
  },
  { kind: CLUSTER, path: `${REPOS}[*].schedules`, class: 'safe', why: 'backup CronJobs change' },
  ...sizeRules(`${REPOS}[*].volume.volumeClaimSpec.resources.requests.storage`, 'the repository volume', 'grows', [
    expansionCheck('postgres-operator.crunchydata.com/pgbackrest-volume'),
  ]),
  {
    kind: CLUSTER,
    path: `${REPOS}[*].volume.volumeClaimSpec`,
    class: 'no-op',
    why: 'PGO does not change an existing repository PVC (only its size)',
  },
  {
    kind: CLUSTER,
    path: 'spec.backups.pgbackrest.global',
    when: (b, a) => retentionShrinks(b, a),
    class: 'destroys-data',
    why: 'shorter retention: pgBackRest expires older full backups (with their diff/incr backups and WAL) after the next backup; no restore can reach back further',
    steps: ['before: if a restore to an older point might be needed, do it (restoreFrom) before this change'],
  },
  {
    kind: CLUSTER,
    path: 'spec.backups.pgbackrest.global',
    class: 'safe',
    why: 'pgBackRest options change (PGO rewrites the configuration; no restart)',
  },
  { kind: CLUSTER, path: 'spec.backups.pgbackrest.configuration', class: 'safe', why: 'projected pgBackRest configuration changes' },
  // --- In-place restore ---------------------------------------------------------------------------
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.restore}`,
    when: (_b, a) => a !== undefined,
    class: 'destroys-data',
    plus: [{ class: 'downtime', why: 'PGO stops the cluster for the restore' }],
    why: 'in-place restore {{after}}: PGO stops {{name}} and overwrites its data with the restored backup; everything written after the target is lost',
    steps: [
      'before: tell the applications; they lose the database until the restore is done',
      "wait: `kubectl -n {{namespace}} get postgrescluster {{name}} -o jsonpath='{.status.pgbackrest.restore}'` shows id {{after}} with finished: true",
      primaryUp,
      'follow-up: remove restoreInPlace (PGO then sees restore.enabled absent) and its acknowledgement',
    ],
  },
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.restore}`,
    class: 'no-op',
    why: 'the restore annotation goes; nothing runs',
  },
  {
    kind: CLUSTER,
    path: 'spec.backups.pgbackrest.restore',
    when: (_b, a) => a === undefined,
    class: 'safe',
    why: 'in-place restores are disabled again',
  },
  {
    kind: CLUSTER,
    path: 'spec.backups.pgbackrest.restore',
    class: 'no-op',
    why: 'describes an in-place restore; nothing runs until the restore annotation changes',
  },
  { kind: CLUSTER, path: 'metadata.annotations', class: 'no-op', why: 'pgfleet bookkeeping annotations only' },
  // --- Instances, users, configuration ------------------------------------------------------------
  {
    kind: CLUSTER,
    path: 'spec.instances[*].replicas',
    class: 'safe',
    why: 'replicas {{before}} → {{after}}: PGO adds or removes replica pods',
  },
  ...sizeRules('spec.instances[*].dataVolumeClaimSpec.resources.requests.storage', 'the data volumes', 'grow', [
    expansionCheck('postgres-operator.crunchydata.com/data=postgres'),
  ]),
  {
    kind: CLUSTER,
    path: 'spec.instances[*].dataVolumeClaimSpec',
    class: 'no-op',
    why: 'PGO does not change existing data PVCs (only their size)',
  },
  { kind: CLUSTER, path: 'spec.instances[*].resources', class: 'restart', why: 'PGO rolls the instance pods, replicas first' },
  {
    kind: CLUSTER,
    path: 'spec.instances',
    class: 'downtime',
    why: 'instance sets change: PGO creates pods for new sets and deletes the pods and PVCs of sets that go; the primary may switch over',
  },
  { kind: CLUSTER, path: 'spec.users', on: 'removed', class: 'no-op', why: 'PGO does not drop users or revoke access' },
  { kind: CLUSTER, path: 'spec.users', class: 'safe', why: 'PGO creates or alters roles (ALTER ROLE); removing one drops nothing' },
  {
    kind: CLUSTER,
    path: 'spec.patroni',
    class: 'restart',
    why: 'Patroni applies the parameters; some (e.g. shared_buffers) restart PostgreSQL',
  },
  { kind: CLUSTER, path: 'spec.image', class: 'restart', why: 'PGO rolls the instance pods onto image {{after}}' },
  { kind: CLUSTER, path: 'spec.metadata', class: 'restart', why: 'labels of every pod change: PGO rolls them' },
  // --- Objects around the clusters ----------------------------------------------------------------
  {
    kind: 'networking.k8s.io/v1 NetworkPolicy',
    path: 'spec',
    class: 'safe',
    why: 'who may connect changes; a client left out loses its connections at once',
  },
];

/** True when a `repoN-retention-full` goes down (same type) or switches type. */
export function retentionShrinks(before: unknown, after: unknown): boolean {
  const b = (before ?? {}) as Record<string, string>;
  const a = (after ?? {}) as Record<string, string>;
  return Object.keys(b)
    .filter((k) => /^repo[1-4]-retention-full$/.test(k))
    .some((k) => {
      if (a[k] === undefined) return false;
      if ((b[`${k}-type`] ?? 'count') !== (a[`${k}-type`] ?? 'count')) return true;
      return Number(a[k]) < Number(b[k]);
    });
}
