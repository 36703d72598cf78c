/**
 * What the phases of a Crunchy PGO major upgrade do, for `pgfleet diff` and `pgfleet plan`: the
 * PGUpgrade, the cluster's allow-upgrade annotation and `shutdown` (prepare), the version bump
 * (complete), and an abandoned upgrade. Part of crunchyChangeRules (crunchy-rules.ts).
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/guides/major-postgres-version-upgrade (PGUpgrade)
 */
import { PGO_ANNOTATIONS } from './crunchy-model';
import { CLUSTER, primary, primaryUp, selector } from './crunchy-rule-commands';
import { step, type ChangeContext, type ChangeRule, type RuleVars } from '../change-rule';

const UPGRADE = 'postgres-operator.crunchydata.com/v1beta1 PGUpgrade';

/** The cluster's instance pods, as a shell substitution. */
const instancePods = (v: RuleVars) =>
  `$(kubectl -n ${v.namespace} get pod -l ${selector(v)},postgres-operator.crunchydata.com/instance -o name)`;

/** The PostgresCluster's `spec.postgresVersion` goes up in this change (the upgrade's complete phase). */
const versionRaised = (c: ChangeContext) => Number(c.after?.spec?.postgresVersion) > Number(c.before?.spec?.postgresVersion);
/** The cluster carries the allow-upgrade annotation after the change (the upgrade's prepare phase). */
const upgradeAllowed = (c: ChangeContext) => c.after?.metadata?.annotations?.[PGO_ANNOTATIONS.allowUpgrade] !== undefined;

export const crunchyUpgradeRules: readonly ChangeRule[] = [
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.allowUpgrade}`,
    on: 'added',
    class: 'irreversible',
    plus: [{ class: 'downtime', why: () => 'the cluster shuts down while pg_upgrade runs' }],
    why: (v) =>
      `PGUpgrade ${v.after} may now upgrade ${v.name}: ` +
      `PGO shuts the cluster down (spec.shutdown) and runs pg_upgrade, a one-way change of the data directory`,
    steps: [
      step.before(
        (v) =>
          `take a full backup: set backups.manual: {id: <new id>, type: ` +
          `full} for ${v.generation ?? '<generation>'}, apply, and wait for ` +
          `\`kubectl -n ${v.namespace} get postgrescluster ${v.name} -o jsonpath='{.status.pgbackrest.manualBackup.finished}'\` to ` +
          `print true`,
      ),
      step.before(
        (v) =>
          `make room for pg_upgrade on the primary's data volume: with transferMethod Copy (or CopyFileRange where the ` +
          `filesystem does not share blocks) it writes a second copy of the data next to the first, ` +
          `so \`kubectl -n ${v.namespace} exec ${primary(v)} -c database -- df -h /pgdata\` must show more available than used, ` +
          `else grow storage.size first; Link (hard links) and Clone (reflinks, on filesystems that support them) need almost no room`,
      ),
      step.wait(
        (v) =>
          `\`kubectl -n ${v.namespace} get pgupgrade ${v.after} -o jsonpath='{.status.conditions[?(@.type=="Succeeded")].status}'\` ` +
          `prints True (Progressing=False/PGClusterNotShutdown means the cluster is still shutting down)`,
      ),
      step.followUp((v) => `set upgrade.phase: complete for ${v.generation ?? '<generation>'}`),
    ],
  },
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.allowUpgrade}`,
    on: 'removed',
    when: (_b, _a, c) => !versionRaised(c),
    class: 'destroys-data',
    why: (v) =>
      `the upgrade is abandoned and ${v.name} starts again on its old major: safe only if PGUpgrade ${v.before} has not started; ` +
      `once pg_upgrade has run with transferMethod Link, the old data directory shares its files with the new one and ` +
      `no longer starts (its replicas' old data is already removed), and only a restore brings it back`,
    steps: [
      step.before(
        (v) =>
          `check that PGUpgrade ${v.before} has not started: \`kubectl -n ${v.namespace} get pgupgrade ` +
          `${v.before} -o jsonpath='{.status.conditions}'\` shows it waiting (Progressing False, e.g. ` +
          `PGClusterNotShutdown) and \`kubectl -n ${v.namespace} get job ${v.before}-pgdata\` finds no Job; ` +
          `if pg_upgrade has run, do not abandon: set upgrade.phase: complete for ${v.generation ?? '<generation>'} instead`,
      ),
    ],
  },
  {
    kind: CLUSTER,
    path: `metadata.annotations.${PGO_ANNOTATIONS.allowUpgrade}`,
    on: 'removed',
    class: 'safe',
    why: (v) => `no PGUpgrade may run on ${v.name} any more`,
  },
  {
    kind: CLUSTER,
    path: 'spec.shutdown',
    when: (_b, a, c) => a === true && upgradeAllowed(c),
    class: 'downtime',
    // The cluster stays down through the PGUpgrade until the complete phase starts it.
    outageContinues: true,
    why: (v) =>
      `PGO stops every PostgreSQL pod of ${v.name} and suspends its backup CronJobs ` +
      `(volumes and Services stay); it stays down until upgrade.phase: complete is applied`,
  },
  {
    kind: CLUSTER,
    path: 'spec.shutdown',
    when: (_b, a) => a === true,
    class: 'downtime',
    why: (v) => `PGO stops every PostgreSQL pod of ${v.name} and suspends its backup CronJobs (volumes and Services stay)`,
  },
  {
    kind: CLUSTER,
    path: 'spec.shutdown',
    when: (b, a) => b === true && a !== true,
    class: 'restart',
    why: (v) => `PGO starts ${v.name} again`,
    steps: [
      primaryUp,
      step.manual((v) => `take down the maintenance page put up when ${v.name} was shut down, once the primary runs and the checks pass`),
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.shutdown',
    class: 'no-op',
    why: () => 'shutdown stays false',
  },
  {
    kind: CLUSTER,
    path: 'spec.postgresVersion',
    when: (b, a, c) => typeof b === 'number' && typeof a === 'number' && a > b && c.after?.spec?.shutdown !== true,
    class: 'restart',
    why: (v) => `the upgraded cluster ${v.name} starts on PostgreSQL ${v.after} (PGO refuses this unless its PGUpgrade succeeded)`,
    steps: [
      primaryUp,
      step.check(
        (v) => `\`kubectl -n ${v.namespace} exec ${primary(v)} -c database -- psql -Atc 'show server_version'\` prints ${v.after}.x`,
      ),
      step.manual(
        (v) =>
          `refresh planner statistics (pg_upgrade does not carry them over): ` +
          `\`kubectl -n ${v.namespace} exec ${primary(v)} -c database -- vacuumdb --all --analyze-in-stages\` ` +
          `(or \`ANALYZE\` in each database as a superuser); review /pgdata/update_extensions.sql if pg_upgrade wrote one`,
      ),
      step.check(
        (v) =>
          `\`kubectl -n ${v.namespace} exec ${primary(v)} -c database -- pgbackrest info\` lists a backup taken after ` +
          `the upgrade (PITR to a time before it needs the old major); if not, take a full one with backups.manual`,
      ),
      step.manual(
        (v) =>
          `once satisfied with the upgrade, remove the old PostgreSQL ${v.before} data directory, ` +
          `as PGO's major-upgrade guide says (the equivalent of pg_upgrade's delete_old_cluster.sh; ` +
          `PGO already removed the replicas'): \`for pod in ${instancePods(v)}; do kubectl -n ${v.namespace} exec ` +
          `"$pod" -c database -- rm -rf /pgdata/pg${v.before} /pgdata/pg${v.before}_wal; ` +
          `done\`. With Link the new data directory keeps the shared files; a restore to before the upgrade comes ` +
          `from the repository, not from this directory`,
      ),
      step.followUp(
        (v) => `set postgresVersion: ${v.after} on ${v.generation ?? '<generation>'} and remove upgrade (removes the used PGUpgrade)`,
      ),
    ],
  },
  {
    kind: CLUSTER,
    path: 'spec.postgresVersion',
    class: 'irreversible',
    why: (v) => `postgresVersion ${v.before} → ${v.after} outside the PGUpgrade phases: review by hand`,
  },
  {
    kind: UPGRADE,
    path: '',
    on: 'added',
    class: 'safe',
    why: (v) => `PGUpgrade ${v.name} waits until its cluster carries the allow-upgrade annotation and is shut down`,
  },
  {
    kind: UPGRADE,
    path: '',
    on: 'removed',
    class: 'safe',
    why: (v) => `the used PGUpgrade ${v.name} goes (PGUpgrades are single-use)`,
  },
  { kind: UPGRADE, path: 'spec', class: 'safe', why: (v) => `PGUpgrade ${v.name} changes before it runs` },
];
