/**
 * What changes to CloudNativePG objects do, for `pgfleet diff` and `pgfleet plan`.
 *
 * @see https://cloudnative-pg.io/documentation/current/bootstrap/ (bootstrap is read at creation only)
 * @see https://cloudnative-pg.io/documentation/current/postgres_upgrades/ (offline in-place major upgrade)
 * @see https://cloudnative-pg.io/documentation/current/postgresql_conf/ (which parameters restart)
 * @see https://cloudnative-pg.io/plugin-barman-cloud/docs/retention/
 */
import type { ChangeRule } from '../change-rule';
import { grows, raised } from '../rule-conditions';

const CLUSTER = 'postgresql.cnpg.io/v1 Cluster';
const SCHEDULED_BACKUP = 'postgresql.cnpg.io/v1 ScheduledBackup';
const BACKUP = 'postgresql.cnpg.io/v1 Backup';
const OBJECT_STORE = 'barmancloud.cnpg.io/v1 ObjectStore';

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

/** Barman recovery window (`10d`, `4w`, `3m`) in days; absent = keep everything. */
export function retentionDays(policy: unknown): number {
  const m = typeof policy === 'string' ? /^(\d+)([dwm])$/.exec(policy) : null;
  if (!m) return Infinity;
  return Number(m[1]) * { d: 1, w: 7, m: 31 }[m[2] as 'd' | 'w' | 'm'];
}

const ready = (what: string) =>
  `wait: \`kubectl -n {{namespace}} wait cluster/{{name}} --for=condition=Ready --timeout=2h\` succeeds (${what}); \`kubectl cnpg status {{name}} -n {{namespace}}\` shows the details`;

const retention: readonly ChangeRule[] = ['spec.retentionPolicy'].flatMap((path) => [
  {
    kind: OBJECT_STORE,
    path,
    when: (b: unknown, a: unknown) => retentionDays(a) < retentionDays(b),
    class: 'destroys-data' as const,
    why: 'a shorter recovery window ({{before}} → {{after}}): the plugin deletes base backups and WAL older than {{after}} at its next maintenance run, for every generation archiving here; no restore can reach back further',
    steps: [
      'before: if a restore to an older point might still be needed, copy the backups that would go (`kubectl -n {{namespace}} get backups`) or keep the longer window until it is no longer needed',
    ],
  },
  {
    kind: OBJECT_STORE,
    path,
    class: 'safe' as const,
    why: 'a longer or equal recovery window ({{before}} → {{after}}): older backups are kept longer (more object storage)',
  },
]);

/** An offline in-place major upgrade (CNPG ≥ 1.26): irreversible, and the cluster is down meanwhile. */
function majorUpgrade(when: (b: unknown, a: unknown) => boolean, extraSteps: readonly string[]): ChangeRule {
  return {
    kind: CLUSTER,
    path: 'spec.imageCatalogRef.major',
    when,
    class: 'irreversible',
    why: 'CloudNativePG upgrades {{name}} in place from PostgreSQL {{before}} to {{after}} with pg_upgrade: the data directory cannot go back to {{before}}',
    plus: [
      { class: 'downtime', why: 'the operator shuts every instance down while pg_upgrade runs (minutes to hours, with the data size)' },
    ],
    steps: [
      "before: check the last base backup is recent: `kubectl -n {{namespace}} get objectstore {{database}}-backups -o jsonpath='{.status.serverRecoveryWindow.{{name}}-pg{{before}}.lastSuccessfulBackupTime}'` (in-tree barmanObjectStore: the cluster's `.status.lastSuccessfulBackup`); else take one with backup.onDemand.id first. It stays in the old archive folder {{name}}-pg{{before}}, which no restore of {{name}} reads after the upgrade",
      'wait: the major-upgrade Job runs pg_upgrade: `kubectl -n {{namespace}} get jobs -l cnpg.io/cluster={{name}} -w`',
      "wait: `kubectl -n {{namespace}} get cluster {{name}} -o jsonpath='{.status.pgDataImageInfo.majorVersion}'` prints {{after}} and `kubectl -n {{namespace}} wait cluster/{{name}} --for=condition=Ready --timeout=2h` succeeds",
      "manual: if the upgrade Job fails, the old data directory is kept: revert this change (git revert, synth, pulumi up) so the operator starts PostgreSQL {{before}} again, and read the Job's log",
      'follow-up: take a base backup into the new archive folder {{name}}-pg{{after}} right away (set backup.onDemand.id, e.g. to pg{{after}}): until one exists, no point in time after the upgrade can be restored',
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
    why: 'new cluster {{name}}: {{bootstrap}}, into its own archive folder; the live clusters are untouched',
    steps: [
      "before: the target must lie in {{source}}'s recoverability window: `kubectl -n {{namespace}} get objectstore {{database}}-backups -o jsonpath='{.status.serverRecoveryWindow}'` shows a firstRecoverabilityPoint for {{source}}'s folder before {{target}} (in-tree barmanObjectStore: `kubectl -n {{namespace}} get cluster {{source}} -o jsonpath='{.status.firstRecoverabilityPoint}'`); else the restore fails, or stops early",
      ready(
        'a restore first replays the archived WAL up to the target: follow it with `kubectl -n {{namespace}} logs -l cnpg.io/cluster={{name}} -f`',
      ),
      'check: the first base backup of the new archive folder completes: `kubectl -n {{namespace}} get backups -l cnpg.io/cluster={{name}}` (the ScheduledBackup takes one immediately)',
    ],
  },
  {
    kind: CLUSTER,
    path: '',
    on: 'added',
    class: 'new-cluster',
    why: 'new cluster {{name}}: {{bootstrap}}, with its own archive folder; the live clusters are untouched',
    steps: [
      ready('initdb'),
      'check: the first base backup completes: `kubectl -n {{namespace}} get backups -l cnpg.io/cluster={{name}}` (the ScheduledBackup takes one immediately)',
    ],
  },
  {
    kind: CLUSTER,
    path: '',
    on: 'removed',
    when: (_b, _a, c) => c.retiring,
    class: 'destroys-data',
    why: 'generation {{generation}} is retired: Pulumi lets go of Cluster {{name}} (retainOnDelete); deleting it by hand deletes its pods and PVCs, while its backups stay in the archive',
    steps: [
      'manual: after the grace period, once nothing reads {{name}}: `kubectl -n {{namespace}} delete cluster {{name}}` (the operator deletes its pods and PVCs; backups stay in the archive)',
    ],
  },
  {
    kind: CLUSTER,
    path: '',
    on: 'removed',
    class: 'destroys-data',
    why: 'Cluster {{name}} of live generation {{generation}} leaves the stack: Pulumi keeps it unmanaged (retainOnDelete), but deleting it deletes its PVCs, and a cluster created in its place starts from its bootstrap, not from this data',
  },
  {
    kind: CLUSTER,
    path: 'spec.bootstrap',
    class: 'no-op',
    why: 'bootstrap is read only when a cluster is created: {{name}} keeps its data and nothing restarts (to restore, add a generation with restoreFrom)',
  },
  {
    kind: CLUSTER,
    path: 'spec.externalClusters',
    class: 'no-op',
    why: 'externalClusters only serve a bootstrap from another cluster: nothing reads them once {{name}} exists',
  },
  // pg_upgrade carries planner statistics from PostgreSQL 18 on; below, the plan says to refresh them.
  majorUpgrade(
    (b, a) => raised(b, a) && (a as number) < 18,
    [
      "manual: refresh planner statistics, which pg_upgrade does not carry below PostgreSQL 18: `kubectl -n {{namespace}} exec $(kubectl -n {{namespace}} get cluster {{name}} -o jsonpath='{.status.currentPrimary}') -- vacuumdb --all --analyze-in-stages`",
    ],
  ),
  majorUpgrade(raised, []),
  {
    kind: CLUSTER,
    path: 'spec.imageCatalogRef',
    class: 'restart',
    why: 'another image for the same major: a rolling update, replicas first, then a switchover or restart of the primary',
    steps: [ready('every instance runs the new image')],
  },
  {
    kind: CLUSTER,
    path: 'spec.plugins[*].parameters.serverName',
    class: 'safe',
    why: 'WAL and base backups go to a fresh archive folder {{after}}; the folder {{before}} keeps what was archived so far',
    steps: [
      'check: archiving into {{after}} works: `kubectl -n {{namespace}} get cluster {{name}} -o jsonpath=\'{.status.conditions[?(@.type=="ContinuousArchiving")].status}\'` prints True',
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.backup.barmanObjectStore.serverName',
    class: 'safe',
    why: 'WAL and base backups go to a fresh archive folder {{after}}; the folder {{before}} keeps what was archived so far',
    steps: [
      'check: archiving into {{after}} works: `kubectl -n {{namespace}} get cluster {{name}} -o jsonpath=\'{.status.conditions[?(@.type=="ContinuousArchiving")].status}\'` prints True',
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.plugins',
    class: 'restart',
    why: 'the WAL archiver plugin changes: the instances restart to load it',
    steps: [ready('the instances restarted with the new archiver')],
  },
  {
    kind: CLUSTER,
    path: 'spec.backup.retentionPolicy',
    when: (b, a) => retentionDays(a) < retentionDays(b),
    class: 'destroys-data',
    why: 'a shorter recovery window ({{before}} → {{after}}): base backups and WAL older than {{after}} are deleted; no restore can reach back further',
  },
  {
    kind: CLUSTER,
    path: 'spec.backup',
    class: 'safe',
    why: 'archive settings: the operator applies them to the next WAL file and base backup, without a restart',
  },
  {
    kind: CLUSTER,
    path: 'spec.instances',
    when: raised,
    class: 'safe',
    why: 'scale out from {{before}} to {{after}} instances: new replicas are cloned from the primary online',
    steps: ["wait: `kubectl -n {{namespace}} get cluster {{name}} -o jsonpath='{.status.readyInstances}'` prints {{after}}"],
  },
  {
    kind: CLUSTER,
    path: 'spec.instances',
    class: 'safe',
    why: 'scale in from {{before}} to {{after}} instances: the operator removes replicas and their PVCs; the primary keeps serving (fewer copies, less availability)',
    steps: ["wait: `kubectl -n {{namespace}} get cluster {{name}} -o jsonpath='{.status.readyInstances}'` prints {{after}}"],
  },
  {
    kind: CLUSTER,
    path: 'spec.storage.size',
    when: grows,
    class: 'safe',
    why: 'volumes grow from {{before}} to {{after}} online, if the StorageClass allows expansion',
    steps: [
      "before: check the StorageClass allows it: `kubectl get storageclass <class> -o jsonpath='{.allowVolumeExpansion}'` prints true (otherwise the PVCs stay at {{before}})",
      'wait: `kubectl -n {{namespace}} get pvc -l cnpg.io/cluster={{name}}` shows capacity {{after}} on every PVC',
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.storage.storageClass',
    class: 'no-op',
    why: 'the StorageClass applies to volumes created from now on (new instances); existing PVCs keep theirs',
  },
  ...POSTMASTER_PARAMETERS.map((p): ChangeRule => ({
    kind: CLUSTER,
    path: `spec.postgresql.parameters.${p}`,
    class: 'restart',
    why: `${p} takes effect only at server start: the operator restarts the instances, replicas first, then the primary (${'{{before}}'} → ${'{{after}}'})`,
    steps: [ready('every instance restarted with the new setting; `kubectl cnpg status` lists no pending restart')],
  })),
  {
    kind: CLUSTER,
    path: 'spec.postgresql',
    class: 'safe',
    why: 'PostgreSQL reloads this setting without a restart',
  },
  {
    kind: CLUSTER,
    path: 'spec.enableSuperuserAccess',
    class: 'safe',
    why: 'the operator enables or disables the postgres superuser login ({{before}} → {{after}}) without a restart',
  },
  { kind: CLUSTER, path: 'spec.primaryUpdateStrategy', class: 'safe', why: 'applies to the next rolling update' },

  // --- Backups -------------------------------------------------------------------------------
  {
    kind: SCHEDULED_BACKUP,
    path: '',
    on: 'added',
    class: 'safe',
    why: 'scheduled base backups of {{generation}}, the first one right away',
  },
  {
    kind: SCHEDULED_BACKUP,
    path: '',
    on: 'removed',
    class: 'safe',
    why: 'no more scheduled base backups of {{generation}}; backups taken so far stay in the object store until retention removes them',
  },
  {
    kind: SCHEDULED_BACKUP,
    path: 'spec.schedule',
    class: 'safe',
    why: 'base backups of {{generation}} follow the new schedule ({{before}} → {{after}}) from the next run',
  },
  {
    kind: BACKUP,
    path: '',
    on: 'added',
    class: 'safe',
    why: 'takes a base backup of {{generation}} now',
    steps: ["wait: `kubectl -n {{namespace}} get backup {{name}} -o jsonpath='{.status.phase}'` prints completed"],
  },
  {
    kind: BACKUP,
    path: '',
    on: 'removed',
    class: 'safe',
    why: 'only the Backup object goes: the backup itself stays in the object store until retention removes it',
  },
  {
    kind: BACKUP,
    path: 'spec',
    class: 'no-op',
    why: 'a Backup runs once: editing it does nothing (change backup.onDemand.id to take another)',
  },

  // --- The archive ---------------------------------------------------------------------------
  ...retention,
  {
    kind: OBJECT_STORE,
    path: 'spec.configuration.destinationPath',
    class: 'safe',
    why: 'archives go to a new prefix ({{before}} → {{after}}): the clusters start new folders there, and restores read the new prefix only',
    steps: ['follow-up: take a base backup right away (backup.onDemand.id): until then no restore is possible from the new prefix'],
  },
  { kind: OBJECT_STORE, path: 'spec.configuration', class: 'safe', why: 'applies to WAL and backups uploaded from now on' },
  { kind: OBJECT_STORE, path: '', on: 'removed', class: 'safe', why: 'the ObjectStore object goes; the archive in the bucket stays' },
];
