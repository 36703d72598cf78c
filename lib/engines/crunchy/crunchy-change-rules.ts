/**
 * What changes to Crunchy PGO objects do, for `pgfleet diff` and `pgfleet plan`.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/disaster-recovery (dataSource, in-place restore)
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/backup-management (manual backups)
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/guides/major-postgres-version-upgrade (PGUpgrade)
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/guides/storage-retention (PV reclaim policy)
 * @see internal/controller/postgrescluster/pgbackrest.go cleanupRepoResources (a repo leaving the spec loses its PVC)
 */
import { PGO_ANNOTATIONS } from '../../model/crunchy-model';
import type { ChangeContext, ChangeRule } from '../../review/change-rules';

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
const pvPatch =
  `manual: keep the repository volume when the cluster is deleted: \`for pv in $(kubectl -n {{namespace}} get pvc -l ${SELECTOR},postgres-operator.crunchydata.com/pgbackrest-volume -o jsonpath='{.items[*].spec.volumeName}'); do kubectl patch pv "$pv" -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'; done\`, and record the PV names in the runbook`;
const storageClassCheck =
  'check: the repository StorageClass retains volumes: `kubectl get storageclass $(kubectl -n {{namespace}} get pvc -l ' +
  SELECTOR +
  ",postgres-operator.crunchydata.com/pgbackrest-volume -o jsonpath='{.items[0].spec.storageClassName}') -o jsonpath='{.reclaimPolicy}'` prints Retain";
const firstBackup = `check: a first backup exists in the new repository: \`kubectl -n {{namespace}} exec ${PRIMARY} -c database -- pgbackrest info\``;

const isRestore = (c: ChangeContext) => c.state.after?.bootstrap.startsWith('restore') ?? false;
const annotation = (c: ChangeContext, value: string) =>
  Object.entries(c.after?.metadata?.annotations ?? {}).some(([k, v]) => /^pgfleet\.io\/repo[1-4]-on-cluster-delete$/.test(k) && v === value);

/** A new cluster: restored or empty, with the step its volume repositories' protection needs. */
function added(restore: boolean, protection: 'kept-by-pv-patch' | 'kept-by-storage-class' | 'other'): ChangeRule {
  return {
    kind: CLUSTER,
    path: '',
    on: 'added',
    when: (_b, _a, c) => isRestore(c) === restore && (protection === 'other' ? !annotation(c, 'kept-by-pv-patch') && !annotation(c, 'kept-by-storage-class') : annotation(c, protection)),
    class: 'new-cluster',
    why: restore
      ? 'new cluster {{name}} ({{bootstrap}}) with its own repositories; PGO reads the source\'s repository, which must keep existing until the restore is done; the live clusters are untouched'
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
      'before: take a full backup: set backups.manual: {id: <new id>, type: full} for {{generation}}, apply, and wait for `kubectl -n {{namespace}} get postgrescluster {{name}} -o jsonpath=\'{.status.pgbackrest.manualBackup.finished}\'` to print true',
      'wait: `kubectl -n {{namespace}} get pgupgrade {{after}} -o jsonpath=\'{.status.conditions[?(@.type=="Succeeded")].status}\'` prints True (Progressing=False/PGClusterNotShutdown means the cluster is still shutting down)',
      'follow-up: set upgrade.phase: complete for {{generation}}',
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
    steps: [primaryUp],
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
      `manual: refresh planner statistics: \`kubectl -n {{namespace}} exec ${PRIMARY} -c database -- vacuumdb --all --analyze-in-stages\`; review update_extensions.sql if pg_upgrade wrote one`,
      `check: \`kubectl -n {{namespace}} exec ${PRIMARY} -c database -- pgbackrest info\` lists a backup taken after the upgrade (PITR to a time before it needs the old major); if not, take a full one with backups.manual`,
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
  { kind: CLUSTER, path: `metadata.annotations.${PGO_ANNOTATIONS.backup}`, class: 'no-op', why: 'the backup annotation goes; nothing runs' },
  { kind: CLUSTER, path: 'spec.backups.pgbackrest.manual', class: 'no-op', why: 'describes the next one-off backup; nothing runs until the backup annotation changes' },
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
  {
    kind: CLUSTER,
    path: `${REPOS}[*].volume.volumeClaimSpec.resources.requests.storage`,
    class: 'safe',
    why: 'the repository volume grows ({{before}} → {{after}}) if its StorageClass allows expansion',
  },
  { kind: CLUSTER, path: `${REPOS}[*].volume.volumeClaimSpec`, class: 'no-op', why: 'PGO does not change an existing repository PVC (only its size)' },
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
  { kind: CLUSTER, path: `metadata.annotations.${PGO_ANNOTATIONS.restore}`, class: 'no-op', why: 'the restore annotation goes; nothing runs' },
  { kind: CLUSTER, path: 'spec.backups.pgbackrest.restore', when: (_b, a) => a === undefined, class: 'safe', why: 'in-place restores are disabled again' },
  { kind: CLUSTER, path: 'spec.backups.pgbackrest.restore', class: 'no-op', why: 'describes an in-place restore; nothing runs until the restore annotation changes' },
  { kind: CLUSTER, path: 'metadata.annotations', class: 'no-op', why: 'pgfleet bookkeeping annotations only' },
  // --- Instances, users, configuration ------------------------------------------------------------
  { kind: CLUSTER, path: 'spec.instances[*].replicas', class: 'safe', why: 'replicas {{before}} → {{after}}: PGO adds or removes replica pods' },
  {
    kind: CLUSTER,
    path: 'spec.instances[*].dataVolumeClaimSpec.resources.requests.storage',
    class: 'safe',
    why: 'data volumes grow ({{before}} → {{after}}) if the StorageClass allows expansion',
  },
  { kind: CLUSTER, path: 'spec.instances[*].dataVolumeClaimSpec', class: 'no-op', why: 'PGO does not change existing data PVCs (only their size)' },
  { kind: CLUSTER, path: 'spec.instances[*].resources', class: 'restart', why: 'PGO rolls the instance pods, replicas first' },
  {
    kind: CLUSTER,
    path: 'spec.instances',
    class: 'downtime',
    why: 'instance sets change: PGO creates pods for new sets and deletes the pods and PVCs of sets that go; the primary may switch over',
  },
  { kind: CLUSTER, path: 'spec.users', on: 'removed', class: 'no-op', why: 'PGO does not drop users or revoke access' },
  { kind: CLUSTER, path: 'spec.users', class: 'safe', why: 'PGO creates or alters roles (ALTER ROLE); removing one drops nothing' },
  { kind: CLUSTER, path: 'spec.patroni', class: 'restart', why: 'Patroni applies the parameters; some (e.g. shared_buffers) restart PostgreSQL' },
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
