/**
 * What changes to Crunchy PGO objects do, for `pgfleet diff` and `pgfleet plan`: a cluster's
 * creation and removal, backups, repositories, in-place restores and instances. The phases of a
 * major upgrade have rules of their own (crunchy-upgrade-rules.ts).
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/disaster-recovery (dataSource, in-place restore)
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/backup-management (manual backups)
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/guides/storage-retention (PV reclaim policy)
 * @see internal/controller/postgrescluster/pgbackrest.go cleanupRepoResources (a repo leaving the spec loses its PVC)
 */
import { PGO_ANNOTATIONS } from './crunchy-model';
import { CLUSTER, primary, primaryUp, selector } from './crunchy-rule-commands';
import { crunchyUpgradeRules } from './crunchy-upgrade-rules';
import { step, type ChangeClass, type ChangeContext, type ChangeRule, type RuleText } from '../change-rule';
import { sizeChange } from '../rule-conditions';

const REPOS = 'spec.backups.pgbackrest.repos';

const restoreDone = step.wait(
  (v) =>
    `the restore Job finishes: \`kubectl -n ${v.namespace} logs -f job/${v.name}-pgbackrest-restore\`, ` +
    `then \`kubectl -n ${v.namespace} get postgrescluster ${v.name} -o ` +
    `jsonpath='{.status.conditions[?(@.type=="PostgresDataInitialized")].status}'\` prints True`,
);
const restoreEvents = step.check(
  (v) =>
    `no InvalidDataSource event: \`kubectl -n ${v.namespace} get events --field-selector ` +
    `involvedObject.name=${v.name}\` (the source cluster must exist and have the repository)`,
);
const pvPatch = step.manual(
  (v) =>
    `keep the repository volume when the cluster is deleted: \`for pv in $(kubectl -n ${v.namespace} get pvc -l ` +
    `${selector(v)},postgres-operator.crunchydata.com/pgbackrest-volume -o jsonpath='{.items[*].spec.volumeName}'); ` +
    `do kubectl patch pv "$pv" -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'; done\`, and record the PV names in the runbook`,
);
const storageClassCheck = step.check(
  (v) =>
    `the repository StorageClass retains volumes: \`kubectl get storageclass $(kubectl -n ` +
    `${v.namespace} get pvc -l ${selector(v)},postgres-operator.crunchydata.com/pgbackrest-volume ` +
    `-o jsonpath='{.items[0].spec.storageClassName}') -o jsonpath='{.reclaimPolicy}'\` prints Retain`,
);
const firstBackup = step.check(
  (v) => `a first backup exists in the new repository: \`kubectl -n ${v.namespace} exec ${primary(v)} -c database -- pgbackrest info\``,
);

const isRestore = (c: ChangeContext) => c.state.after?.bootstrap.kind === 'restore';
const annotation = (c: ChangeContext, value: string) =>
  Object.entries(c.after?.metadata?.annotations ?? {}).some(
    ([k, v]) => /^pgfleet\.io\/repo[1-4]-on-cluster-delete$/.test(k) && v === value,
  );

/**
 * Rules for a volume size field: growth is safe, a shrink destroys data (Kubernetes refuses it, and
 * the only smaller volume is a new generation restored from backup; the config already refuses it
 * at synth), the same size written differently changes nothing.
 */
function sizeRules(path: string, what: string, grow: 'grow' | 'grows', growSteps: ChangeRule['steps']): ChangeRule[] {
  const rule = (
    change: 'grows' | 'shrinks' | 'same' | undefined,
    cls: ChangeClass,
    why: RuleText,
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
    rule('grows', 'safe', (v) => `${what} ${grow} (${v.before} → ${v.after}) if the StorageClass allows expansion`, growSteps),
    rule(
      'shrinks',
      'destroys-data',
      (v) =>
        `${what} would shrink (${v.before} → ${v.after}): Kubernetes refuses to shrink a PersistentVolumeClaim, ` +
        `and a smaller volume is a new, empty one; keep ${v.before}, or restore into a new database entry with smaller volumes (pgfleet ` +
        `refuses this at synth)`,
    ),
    rule('same', 'no-op', (v) => `${what}: the same size written differently (${v.before} → ${v.after})`),
    rule(undefined, 'restart', (v) => `${what} ${v.before} → ${v.after}: not a size pgfleet can compare, review by hand`),
  ];
}

const expansionCheck = (claims: string) =>
  step.before(
    (v) =>
      `the StorageClass allows expansion: \`kubectl get storageclass $(kubectl -n ${v.namespace} ` +
      `get pvc -l ${selector(v)},${claims} -o jsonpath='{.items[0].spec.storageClassName}') ` +
      `-o jsonpath='{.allowVolumeExpansion}'\` prints true (otherwise the PVCs stay at ${v.before})`,
  );

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
      ? (v) =>
          `new cluster ${v.name} (${v.bootstrap ?? '<bootstrap>'}) with its own repositories; ` +
          `PGO reads the source's repository, which must keep existing until the restore is done; the live clusters are untouched`
      : (v) => `new cluster ${v.name} (${v.bootstrap ?? '<bootstrap>'}) with its own repositories`,
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
    why: (v) =>
      `generation ${v.generation ?? '<generation>'} is retired: Pulumi lets go of PostgresCluster ${v.name} (retainOnDelete); ` +
      `deleting it by hand deletes its data volumes and its volume repositories (PGO owns those PVCs), cloud repositories stay`,
    steps: [
      step.before((v) => `no generation restores from ${v.name} any more (PGO reads the source cluster during a restore)`),
      step.manual(
        (v) =>
          `record the repository PV names: \`kubectl -n ${v.namespace} get pvc -l ` +
          `${selector(v)},postgres-operator.crunchydata.com/pgbackrest-volume -o ` +
          `custom-columns=PVC:.metadata.name,PV:.spec.volumeName\`; make sure they are Retain (\`kubectl get pv ` +
          `<pv> -o jsonpath='{.spec.persistentVolumeReclaimPolicy}'\`)`,
      ),
      step.manual((v) => `after the grace period: \`kubectl -n ${v.namespace} delete postgrescluster ${v.name}\``),
    ],
  },
  {
    kind: CLUSTER,
    path: '',
    on: 'removed',
    class: 'destroys-data',
    why: (v) =>
      `PostgresCluster ${v.name} of live generation ${v.generation ?? '<generation>'} leaves the stack: ` +
      `Pulumi keeps it unmanaged (retainOnDelete), but deleting it deletes its data and volume repositories`,
  },
  {
    kind: CLUSTER,
    path: 'spec.dataSource',
    class: 'no-op',
    why: (v) =>
      `dataSource is read only when the cluster is first created: ${v.name} keeps its data (to restore, add a generation with restoreFrom)`,
  },
  ...crunchyUpgradeRules,
  // --- Backups ------------------------------------------------------------------------------------
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.backup}`,
    when: (_b, a) => a !== undefined,
    class: 'safe',
    why: (v) => `one-off backup ${v.after} of ${v.name} (${v.kind} spec.backups.pgbackrest.manual)`,
    steps: [
      step.wait(
        (v) =>
          `\`kubectl -n ${v.namespace} get postgrescluster ${v.name} -o jsonpath='{.status.pgbackrest.manualBackup}'\` shows id ` +
          `${v.after} with finished: true and succeeded: 1`,
      ),
    ],
  },
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.backup}`,
    class: 'no-op',
    why: () => 'the backup annotation goes; nothing runs',
  },
  {
    kind: CLUSTER,
    path: 'spec.backups.pgbackrest.manual',
    class: 'no-op',
    why: () => 'describes the next one-off backup; nothing runs until the backup annotation changes',
  },
  {
    kind: CLUSTER,
    path: `${REPOS}[*]`,
    on: 'removed',
    when: (b) => (b as { volume?: unknown } | undefined)?.volume !== undefined,
    class: 'destroys-data',
    why: (v) => `a volume repository leaves ${v.name}: PGO deletes its PVC, and every backup in it, right away`,
  },
  {
    kind: CLUSTER,
    path: `${REPOS}[*].volume`,
    on: 'removed',
    class: 'destroys-data',
    why: () => 'the repository stops being a volume: PGO deletes its PVC and every backup in it',
  },
  {
    kind: CLUSTER,
    path: `${REPOS}[*]`,
    on: 'removed',
    class: 'safe',
    why: (v) => `cloud repository leaves ${v.name}: new WAL and backups stop going there; what is in the bucket stays`,
  },
  {
    kind: CLUSTER,
    path: `${REPOS}[*]`,
    on: 'added',
    class: 'safe',
    why: () => 'a new repository: PGO creates its stanza; it holds no backup until the first scheduled or manual one',
    steps: [step.followUp(() => 'take a full backup into it (backups.manual with its repoName), so restores can use it')],
  },
  { kind: CLUSTER, path: `${REPOS}[*].schedules`, class: 'safe', why: () => 'backup CronJobs change' },
  ...sizeRules(`${REPOS}[*].volume.volumeClaimSpec.resources.requests.storage`, 'the repository volume', 'grows', [
    expansionCheck('postgres-operator.crunchydata.com/pgbackrest-volume'),
  ]),
  {
    kind: CLUSTER,
    path: `${REPOS}[*].volume.volumeClaimSpec`,
    class: 'no-op',
    why: () => 'PGO does not change an existing repository PVC (only its size)',
  },
  {
    kind: CLUSTER,
    path: 'spec.backups.pgbackrest.global',
    when: (b, a) => retentionShrinks(b, a),
    class: 'destroys-data',
    why: () =>
      'shorter retention: pgBackRest expires older full backups (with their diff/incr ' +
      'backups and WAL) after the next backup; no restore can reach back further',
    steps: [step.before(() => 'if a restore to an older point might be needed, do it (restoreFrom) before this change')],
  },
  {
    kind: CLUSTER,
    path: 'spec.backups.pgbackrest.global',
    class: 'safe',
    why: () => 'pgBackRest options change (PGO rewrites the configuration; no restart)',
  },
  { kind: CLUSTER, path: 'spec.backups.pgbackrest.configuration', class: 'safe', why: () => 'projected pgBackRest configuration changes' },
  // --- In-place restore ---------------------------------------------------------------------------
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.restore}`,
    when: (_b, a) => a !== undefined,
    class: 'destroys-data',
    plus: [{ class: 'downtime', why: () => 'PGO stops the cluster for the restore' }],
    why: (v) =>
      `in-place restore ${v.after}: PGO stops ${v.name} and overwrites its data ` +
      `with the restored backup; everything written after the target is lost`,
    steps: [
      step.before(() => 'tell the applications; they lose the database until the restore is done'),
      step.wait(
        (v) =>
          `\`kubectl -n ${v.namespace} get postgrescluster ${v.name} -o ` +
          `jsonpath='{.status.pgbackrest.restore}'\` shows id ${v.after} with finished: true`,
      ),
      primaryUp,
      step.followUp(() => 'remove restoreInPlace (PGO then sees restore.enabled absent) and its acknowledgement'),
    ],
  },
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.restore}`,
    class: 'no-op',
    why: () => 'the restore annotation goes; nothing runs',
  },
  {
    kind: CLUSTER,
    path: 'spec.backups.pgbackrest.restore',
    when: (_b, a) => a === undefined,
    class: 'safe',
    why: () => 'in-place restores are disabled again',
  },
  {
    kind: CLUSTER,
    path: 'spec.backups.pgbackrest.restore',
    class: 'no-op',
    why: () => 'describes an in-place restore; nothing runs until the restore annotation changes',
  },
  { kind: CLUSTER, path: 'metadata.annotations', class: 'no-op', why: () => 'pgfleet bookkeeping annotations only' },
  // --- Instances, users, configuration ------------------------------------------------------------
  {
    kind: CLUSTER,
    path: 'spec.instances[*].replicas',
    class: 'safe',
    why: (v) => `replicas ${v.before} → ${v.after}: PGO adds or removes replica pods`,
  },
  ...sizeRules('spec.instances[*].dataVolumeClaimSpec.resources.requests.storage', 'the data volumes', 'grow', [
    expansionCheck('postgres-operator.crunchydata.com/data=postgres'),
  ]),
  {
    kind: CLUSTER,
    path: 'spec.instances[*].dataVolumeClaimSpec',
    class: 'no-op',
    why: () => 'PGO does not change existing data PVCs (only their size)',
  },
  { kind: CLUSTER, path: 'spec.instances[*].resources', class: 'restart', why: () => 'PGO rolls the instance pods, replicas first' },
  {
    kind: CLUSTER,
    path: 'spec.instances',
    class: 'downtime',
    why: () =>
      'instance sets change: PGO creates pods for new sets and deletes the pods and PVCs of sets that go; the primary may switch over',
  },
  { kind: CLUSTER, path: 'spec.users', on: 'removed', class: 'no-op', why: () => 'PGO does not drop users or revoke access' },
  { kind: CLUSTER, path: 'spec.users', class: 'safe', why: () => 'PGO creates or alters roles (ALTER ROLE); removing one drops nothing' },
  {
    kind: CLUSTER,
    path: 'spec.patroni',
    class: 'restart',
    why: () => 'Patroni applies the parameters; some (e.g. shared_buffers) restart PostgreSQL',
  },
  { kind: CLUSTER, path: 'spec.image', class: 'restart', why: (v) => `PGO rolls the instance pods onto image ${v.after}` },
  { kind: CLUSTER, path: 'spec.metadata', class: 'restart', why: () => 'labels of every pod change: PGO rolls them' },
  // --- Objects around the clusters ----------------------------------------------------------------
  {
    kind: 'networking.k8s.io/v1 NetworkPolicy',
    path: 'spec',
    class: 'safe',
    why: () => 'who may connect changes; a client left out loses its connections at once',
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
