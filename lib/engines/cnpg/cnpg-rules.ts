/**
 * What changes to CloudNativePG objects do, for `pgfleet diff` and `pgfleet plan`. Backups and
 * the archive have rules of their own (cnpg-backup-rules.ts).
 *
 * @see https://cloudnative-pg.io/documentation/current/bootstrap/ (bootstrap is read at creation only)
 * @see https://cloudnative-pg.io/documentation/current/postgres_upgrades/ (offline in-place major upgrade)
 * @see https://cloudnative-pg.io/documentation/current/postgresql_conf/ (which parameters restart)
 */
import { step, type ChangeRule, type RuleStep, type RuleText } from '../change-rule';
import { grows, raised } from '../rule-conditions';
import { cnpgBackupRules, retentionDays } from './cnpg-backup-rules';

const CLUSTER = 'postgresql.cnpg.io/v1 Cluster';

/**
 * Parameters of context `postmaster`: PostgreSQL reads them at start only, so CloudNativePG
 * restarts the instances (replicas first, then a switchover or restart of the primary). Every
 * other parameter is reloaded without a restart.
 */
export const POSTMASTER_PARAMETERS = [
  'shared_buffers',
  'max_connections',
  'max_worker_processes',
  'max_parallel_workers',
  'max_wal_senders',
  'max_replication_slots',
  'max_prepared_transactions',
  'max_locks_per_transaction',
  'max_pred_locks_per_transaction',
  'shared_preload_libraries',
  'wal_level',
  'wal_buffers',
  'wal_log_hints',
  'huge_pages',
  'track_commit_timestamp',
  'max_logical_replication_workers',
  'autovacuum_max_workers',
  'hot_standby',
] as const;

/** Waits for the cluster to be Ready; `what` says what it does meanwhile. */
const ready = (what: RuleText) =>
  step.wait(
    (v) =>
      `\`kubectl -n ${v.namespace} wait cluster/${v.name} --for=condition=Ready --timeout=2h\` ` +
      `succeeds (${what(v)}); \`kubectl cnpg status ${v.name} -n ${v.namespace}\` shows the details`,
  );

/** An offline in-place major upgrade (CNPG ≥ 1.26): irreversible, and the cluster is down meanwhile. */
function majorUpgrade(when: (b: unknown, a: unknown) => boolean, extraSteps: readonly RuleStep[]): ChangeRule {
  return {
    kind: CLUSTER,
    path: 'spec.imageCatalogRef.major',
    when,
    class: 'irreversible',
    why: (v) =>
      `CloudNativePG upgrades ${v.name} in place from PostgreSQL ${v.before} to ` +
      `${v.after} with pg_upgrade: the data directory cannot go back to ${v.before}`,
    plus: [
      {
        class: 'downtime',
        why: () => 'the operator shuts every instance down while pg_upgrade runs (minutes to hours, with the data size)',
      },
    ],
    steps: [
      step.before(
        (v) =>
          `check the last base backup is recent: \`kubectl -n ${v.namespace} get objectstore ${v.database ?? '<database>'}-backups ` +
          `-o jsonpath='{.status.serverRecoveryWindow.${v.name}-pg${v.before}.lastSuccessfulBackupTime}'\` (in-tree barmanObjectStore: ` +
          `the cluster's \`.status.lastSuccessfulBackup\`); else take one with backup.onDemand.id first. ` +
          `It stays in the old archive folder ${v.name}-pg${v.before}, which no restore of ${v.name} reads after the upgrade`,
      ),
      step.wait((v) => `the major-upgrade Job runs pg_upgrade: \`kubectl -n ${v.namespace} get jobs -l cnpg.io/cluster=${v.name} -w\``),
      step.wait(
        (v) =>
          `\`kubectl -n ${v.namespace} get cluster ${v.name} -o jsonpath='{.status.pgDataImageInfo.majorVersion}'\` prints ` +
          `${v.after} and \`kubectl -n ${v.namespace} wait cluster/${v.name} --for=condition=Ready --timeout=2h\` succeeds`,
      ),
      step.manual(
        (v) =>
          `if the upgrade Job fails, the old data directory is kept: revert this change (git revert, ` +
          `synth, pulumi up) so the operator starts PostgreSQL ${v.before} again, and read the Job's log`,
      ),
      step.followUp(
        (v) =>
          `take a base backup into the new archive folder ${v.name}-pg${v.after} right away (set backup.onDemand.id, ` +
          `e.g. to pg${v.after}): until one exists, no point in time after the upgrade can be restored`,
      ),
      ...extraSteps,
    ],
  };
}

export const cnpgChangeRules: readonly ChangeRule[] = [
  // --- Cluster: the generation itself -------------------------------------------------------
  {
    kind: CLUSTER,
    path: '',
    on: 'added',
    when: (_b, _a, c) => c.state.after?.bootstrap.kind === 'restore',
    class: 'new-cluster',
    why: (v) => `new cluster ${v.name}: ${v.bootstrap ?? '<bootstrap>'}, into its own archive folder; the live clusters are untouched`,
    steps: [
      step.before(
        (v) =>
          `the target must lie in ${v.source ?? '<source>'}'s recoverability window: \`kubectl -n ${v.namespace} get objectstore ` +
          `${v.database ?? '<database>'}-backups -o jsonpath='{.status.serverRecoveryWindow}'\` shows a firstRecoverabilityPoint for ` +
          `${v.source ?? '<source>'}'s folder before ${v.target ?? '<target>'} (in-tree barmanObjectStore: ` +
          `\`kubectl -n ${v.namespace} get cluster ${v.source ?? '<source>'} -o jsonpath='{.status.firstRecoverabilityPoint}'\`); ` +
          `else the restore fails, or stops early`,
      ),
      ready(
        (v) =>
          `a restore first replays the archived WAL up to the target: ` +
          `follow it with \`kubectl -n ${v.namespace} logs -l cnpg.io/cluster=${v.name} -f\``,
      ),
      step.check(
        (v) =>
          `the first base backup of the new archive folder completes: ` +
          `\`kubectl -n ${v.namespace} get backups -l cnpg.io/cluster=${v.name}\` (the ScheduledBackup takes one immediately)`,
      ),
    ],
  },
  {
    kind: CLUSTER,
    path: '',
    on: 'added',
    class: 'new-cluster',
    why: (v) => `new cluster ${v.name}: ${v.bootstrap ?? '<bootstrap>'}, with its own archive folder; the live clusters are untouched`,
    steps: [
      ready(() => 'initdb'),
      step.check(
        (v) =>
          `the first base backup completes: \`kubectl -n ${v.namespace} get backups ` +
          `-l cnpg.io/cluster=${v.name}\` (the ScheduledBackup takes one immediately)`,
      ),
    ],
  },
  {
    kind: CLUSTER,
    path: '',
    on: 'removed',
    when: (_b, _a, c) => c.retiring,
    class: 'destroys-data',
    why: (v) =>
      `generation ${v.generation ?? '<generation>'} is retired: Pulumi lets go of Cluster ${v.name} (retainOnDelete); ` +
      `deleting it by hand deletes its pods and PVCs, while its backups stay in the archive`,
    steps: [
      step.manual(
        (v) =>
          `after the grace period, once nothing reads ${v.name}: \`kubectl -n ${v.namespace} delete ` +
          `cluster ${v.name}\` (the operator deletes its pods and PVCs; backups stay in the archive)`,
      ),
    ],
  },
  {
    kind: CLUSTER,
    path: '',
    on: 'removed',
    class: 'destroys-data',
    why: (v) =>
      `Cluster ${v.name} of live generation ${v.generation ?? '<generation>'} leaves the stack: ` +
      `Pulumi keeps it unmanaged (retainOnDelete), but deleting it deletes its PVCs, and a cluster created in its place starts from ` +
      `its bootstrap, not from this data`,
  },
  {
    kind: CLUSTER,
    path: 'spec.bootstrap',
    class: 'no-op',
    why: (v) =>
      `bootstrap is read only when a cluster is created: ` +
      `${v.name} keeps its data and nothing restarts (to restore, add a generation with restoreFrom)`,
  },
  {
    kind: CLUSTER,
    path: 'spec.externalClusters',
    class: 'no-op',
    why: (v) => `externalClusters only serve a bootstrap from another cluster: nothing reads them once ${v.name} exists`,
  },
  // pg_upgrade carries planner statistics from PostgreSQL 18 on; below, the plan says to refresh them.
  majorUpgrade(
    (b, a) => raised(b, a) && (a as number) < 18,
    [
      step.manual(
        (v) =>
          `refresh planner statistics, which pg_upgrade does not carry below PostgreSQL 18: ` +
          `\`kubectl -n ${v.namespace} exec $(kubectl -n ${v.namespace} get cluster ${v.name} -o jsonpath='{.status.currentPrimary}') ` +
          `-- vacuumdb --all --analyze-in-stages\``,
      ),
    ],
  ),
  majorUpgrade(raised, []),
  {
    kind: CLUSTER,
    path: 'spec.imageCatalogRef',
    class: 'restart',
    why: () => 'another image for the same major: a rolling update, replicas first, then a switchover or restart of the primary',
    steps: [ready(() => 'every instance runs the new image')],
  },
  {
    kind: CLUSTER,
    path: 'spec.plugins[*].parameters.serverName',
    class: 'safe',
    why: (v) => `WAL and base backups go to a fresh archive folder ${v.after}; the folder ${v.before} keeps what was archived so far`,
    steps: [
      step.check(
        (v) =>
          `archiving into ${v.after} works: \`kubectl -n ${v.namespace} get cluster ${v.name} -o ` +
          `jsonpath='{.status.conditions[?(@.type=="ContinuousArchiving")].status}'\` prints True`,
      ),
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.backup.barmanObjectStore.serverName',
    class: 'safe',
    why: (v) => `WAL and base backups go to a fresh archive folder ${v.after}; the folder ${v.before} keeps what was archived so far`,
    steps: [
      step.check(
        (v) =>
          `archiving into ${v.after} works: \`kubectl -n ${v.namespace} get cluster ${v.name} -o ` +
          `jsonpath='{.status.conditions[?(@.type=="ContinuousArchiving")].status}'\` prints True`,
      ),
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.plugins',
    class: 'restart',
    why: () => 'the WAL archiver plugin changes: the instances restart to load it',
    steps: [ready(() => 'the instances restarted with the new archiver')],
  },
  {
    kind: CLUSTER,
    path: 'spec.backup.retentionPolicy',
    // Gated once, on the generation's recovery.window (lib/review/recovery-changes.ts); here only
    // when the previous state recorded no window. From the plugin, the window was the
    // ObjectStore's (its removal is judged there), not "absent".
    when: (b, a, c) =>
      c.before?.spec?.backup?.barmanObjectStore !== undefined &&
      retentionDays(a) < retentionDays(b) &&
      c.state.before?.recovery === undefined,
    class: 'destroys-data',
    why: (v) =>
      `a shorter recovery window (${v.before} → ${v.after}): ` +
      `base backups and WAL older than ${v.after} are deleted; no restore can reach back further`,
  },
  {
    kind: CLUSTER,
    path: 'spec.backup',
    class: 'safe',
    why: () => 'archive settings: the operator applies them to the next WAL file and base backup, without a restart',
  },
  {
    kind: CLUSTER,
    path: 'spec.instances',
    when: raised,
    class: 'safe',
    why: (v) => `scale out from ${v.before} to ${v.after} instances: new replicas are cloned from the primary online`,
    steps: [
      step.wait((v) => `\`kubectl -n ${v.namespace} get cluster ${v.name} -o jsonpath='{.status.readyInstances}'\` prints ${v.after}`),
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.instances',
    class: 'safe',
    why: (v) =>
      `scale in from ${v.before} to ${v.after} instances: ` +
      `the operator removes replicas and their PVCs; the primary keeps serving (fewer copies, less availability)`,
    steps: [
      step.wait((v) => `\`kubectl -n ${v.namespace} get cluster ${v.name} -o jsonpath='{.status.readyInstances}'\` prints ${v.after}`),
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.storage.size',
    when: grows,
    class: 'safe',
    why: (v) => `volumes grow from ${v.before} to ${v.after} online, if the StorageClass allows expansion`,
    steps: [
      step.before(
        (v) =>
          `check the StorageClass allows it: \`kubectl get storageclass <class> -o ` +
          `jsonpath='{.allowVolumeExpansion}'\` prints true (otherwise the PVCs stay at ${v.before})`,
      ),
      step.wait((v) => `\`kubectl -n ${v.namespace} get pvc -l cnpg.io/cluster=${v.name}\` shows capacity ${v.after} on every PVC`),
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.storage.storageClass',
    class: 'no-op',
    why: () => 'the StorageClass applies to volumes created from now on (new instances); existing PVCs keep theirs',
  },
  ...POSTMASTER_PARAMETERS.map((p): ChangeRule => ({
    kind: CLUSTER,
    path: `spec.postgresql.parameters.${p}`,
    class: 'restart',
    why: (v) =>
      `${p} takes effect only at server start: the operator restarts the instances, ` +
      `replicas first, then the primary (${v.before} → ${v.after})`,
    steps: [ready(() => 'every instance restarted with the new setting; `kubectl cnpg status` lists no pending restart')],
  })),
  {
    kind: CLUSTER,
    path: 'spec.postgresql',
    class: 'safe',
    why: () => 'PostgreSQL reloads this setting without a restart',
  },
  {
    kind: CLUSTER,
    path: 'spec.enableSuperuserAccess',
    class: 'safe',
    why: (v) => `the operator enables or disables the postgres superuser login (${v.before} → ${v.after}) without a restart`,
  },
  { kind: CLUSTER, path: 'spec.primaryUpdateStrategy', class: 'safe', why: () => 'applies to the next rolling update' },

  // --- Backups and the archive (cnpg-backup-rules.ts) ---------------------------------------
  ...cnpgBackupRules,
];
