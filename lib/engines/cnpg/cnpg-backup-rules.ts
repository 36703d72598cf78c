/**
 * What changes to CloudNativePG backups and their archive do, for `pgfleet diff` and `pgfleet
 * plan`: ScheduledBackup, Backup and the barman-cloud plugin's ObjectStore. Part of
 * cnpgChangeRules (cnpg-rules.ts).
 *
 * @see https://cloudnative-pg.io/plugin-barman-cloud/docs/retention/
 */
import { step, type ChangeRule } from '../change-rule';

const SCHEDULED_BACKUP = 'postgresql.cnpg.io/v1 ScheduledBackup';
const BACKUP = 'postgresql.cnpg.io/v1 Backup';
const OBJECT_STORE = 'barmancloud.cnpg.io/v1 ObjectStore';

/** Barman recovery window (`10d`, `4w`, `3m`) in days; absent = keep everything. */
export function retentionDays(policy: unknown): number {
  const m = typeof policy === 'string' ? /^(\d+)([dwm])$/.exec(policy) : null;
  if (!m) return Infinity;
  return Number(m[1]) * { d: 1, w: 7, m: 31 }[m[2] as 'd' | 'w' | 'm'];
}

/**
 * A retention change on the ObjectStore shared by the database's generations. It is not gated
 * here: pgfleet compares each generation's recovery window in the state file (recovery.window,
 * lib/review/recovery-changes.ts) and gates a shorter one there, once per generation, whatever
 * object the window comes from (so a switch between the plugin and in-tree barmanObjectStore,
 * which moves retentionPolicy from the ObjectStore to the Cluster, is no shorter window).
 */
const retention: readonly ChangeRule[] = [
  {
    kind: OBJECT_STORE,
    path: 'spec.retentionPolicy',
    when: (b: unknown, a: unknown) => retentionDays(a) < retentionDays(b),
    class: 'safe' as const,
    why: (v) =>
      `a shorter recovery window (${v.before} → ${v.after}): the plugin deletes base backups and WAL older than ` +
      `${v.after} at its next maintenance run, for every generation archiving here (gated on each generation's recovery.window)`,
  },
  {
    kind: OBJECT_STORE,
    path: 'spec.retentionPolicy',
    class: 'safe' as const,
    why: (v) => `a longer or equal recovery window (${v.before} → ${v.after}): older backups are kept longer (more object storage)`,
  },
];

export const cnpgBackupRules: readonly ChangeRule[] = [
  {
    kind: SCHEDULED_BACKUP,
    path: '',
    on: 'added',
    class: 'safe',
    why: (v) => `scheduled base backups of ${v.generation ?? '<generation>'}, the first one right away`,
  },
  {
    kind: SCHEDULED_BACKUP,
    path: '',
    on: 'removed',
    class: 'safe',
    why: (v) =>
      `no more scheduled base backups of ${v.generation ?? '<generation>'}; ` +
      `backups taken so far stay in the object store (its retention policy prunes them only while a running cluster archives there)`,
  },
  {
    kind: SCHEDULED_BACKUP,
    path: 'spec.schedule',
    class: 'safe',
    why: (v) => `base backups of ${v.generation ?? '<generation>'} follow the new schedule (${v.before} → ${v.after}) from the next run`,
  },
  {
    kind: BACKUP,
    path: '',
    on: 'added',
    class: 'safe',
    why: (v) => `takes a base backup of ${v.generation ?? '<generation>'} now`,
    steps: [step.wait((v) => `\`kubectl -n ${v.namespace} get backup ${v.name} -o jsonpath='{.status.phase}'\` prints completed`)],
  },
  {
    kind: BACKUP,
    path: '',
    on: 'removed',
    class: 'safe',
    why: () => 'only the Backup object goes: the backup itself stays in the object store until retention removes it',
  },
  {
    kind: BACKUP,
    path: 'spec',
    class: 'no-op',
    why: () =>
      'a Backup runs once and its spec is immutable: the API server refuses the edit (its CEL rule; synth refuses it too). ' +
      'Change backup.onDemand.id to take another backup',
  },

  // --- The archive ---------------------------------------------------------------------------
  ...retention,
  {
    kind: OBJECT_STORE,
    path: 'spec.configuration.destinationPath',
    class: 'safe',
    why: (v) =>
      `archives go to a new prefix (${v.before} → ${v.after}): the clusters start new folders there, and restores read the new prefix only`,
    steps: [
      step.followUp(() => 'take a base backup right away (backup.onDemand.id): until then no restore is possible from the new prefix'),
    ],
  },
  { kind: OBJECT_STORE, path: 'spec.configuration', class: 'safe', why: () => 'applies to WAL and backups uploaded from now on' },
  { kind: OBJECT_STORE, path: '', on: 'removed', class: 'safe', why: () => 'the ObjectStore object goes; the archive in the bucket stays' },
];
