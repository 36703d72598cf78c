/**
 * What changes to standalone objects do, for `pgfleet diff` and `pgfleet plan`. A standalone
 * database has one server per generation and no replica: any restart of a server is downtime.
 * pgfleet's Jobs carry a `pgfleet.io/step` label (writers-down, dump, import, restore,
 * writers-up), which is how these rules tell them apart.
 *
 * @see docs/standalone.md
 */
// `planStep` makes runbook steps; `step` below reads a Job's pgfleet.io/step label.
import { step as planStep, type ChangeRule } from '../change-rule';
import { grows, KIND, lowered, SAME_SIZE_CLAIM } from '../rule-conditions';
import { standaloneJobRules } from './standalone-job-rules';
import { isStep, restarted, retentionDays, serverReady, type StandaloneReviewVars } from './standalone-rule-parts';

export type { StandaloneReviewVars } from './standalone-rule-parts';

const {
  statefulSet: STATEFUL_SET,
  pvc: PVC,
  service: SERVICE,
  cronJob: CRON_JOB,
  configMap: CONFIG_MAP,
  networkPolicy: NETWORK_POLICY,
} = KIND;

export const standaloneChangeRules: readonly ChangeRule<StandaloneReviewVars>[] = [
  // --- StatefulSet: one server per generation -------------------------------------------------
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'added',
    when: (_b, _a, c) => c.newGeneration && c.state.after?.bootstrap.kind === 'upgrade',
    class: 'new-cluster',
    why: (v) =>
      `new server ${v.name} (${v.bootstrap ?? '<bootstrap>'}) on its own empty volume; it starts after the dump of ` +
      `${v.source ?? '<source>'} and is filled by the import Job; ${v.source ?? '<source>'} keeps serving and keeps its volume`,
    steps: [serverReady((v) => v.name, 'the empty server accepts connections (initdb)')],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'added',
    when: (_b, _a, c) => c.newGeneration && c.state.after?.bootstrap.kind === 'restore',
    class: 'new-cluster',
    why: (v) =>
      `new server ${v.name} (${v.bootstrap ?? '<bootstrap>'}) on its own empty volume, ` +
      `filled by the restore Job; the live servers are untouched`,
    steps: [serverReady((v) => v.name, 'the empty server accepts connections (initdb)')],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'removed',
    when: (_b, _a, c) => c.retiring,
    // Not downtime: a retired generation serves no one (retiring the serving one is refused).
    class: 'safe',
    why: (v) =>
      `generation ${v.generation ?? '<generation>'} is retired: Pulumi lets go of StatefulSet ${v.name} without deleting it ` +
      `(retainOnDelete), so the server, which serves no one any more, keeps running unmanaged until it is deleted by hand ` +
      `after the grace period; its data stays on the PVC ${v.generation ?? '<generation>'}-data until that is deleted (see there)`,
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.template.metadata.annotations.pgfleet.io/config-digest',
    class: 'downtime',
    why: (v) =>
      `postgresql.conf changed: the only server of ${v.generation ?? '<generation>'} ` +
      `restarts to read it (a minute without the database; open connections drop)`,
    steps: [restarted],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.template.spec.containers[name=postgres].image',
    class: 'downtime',
    why: (v) =>
      `another image of the same major (${v.before} → ${v.after}): ` +
      `the only server of ${v.generation ?? '<generation>'} restarts (a major change is a new generation)`,
    steps: [restarted],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.template',
    class: 'downtime',
    why: (v) =>
      `the pod template changed: the only server of ${v.generation ?? '<generation>'} ` +
      `restarts (a minute without the database; open connections drop)`,
    steps: [restarted],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec',
    class: 'downtime',
    why: (v) => `an immutable StatefulSet field changed: Pulumi replaces ${v.name}; the server restarts on the same PVC`,
    steps: [restarted],
  },

  // --- PVCs: data, upgrade dumps, nightly dumps ----------------------------------------------
  {
    kind: PVC,
    path: 'spec.resources.requests.storage',
    when: grows,
    class: 'safe',
    why: (v) => `the volume grows from ${v.before} to ${v.after} online, if the StorageClass allows expansion`,
    steps: [
      planStep.before(
        (v) =>
          `\`kubectl get storageclass $(kubectl -n ${v.namespace} get pvc ${v.name} -o jsonpath='{.spec.storageClassName}') ` +
          `-o jsonpath='{.allowVolumeExpansion}'\` prints true (otherwise the claim stays at ${v.before})`,
      ),
      planStep.wait(
        (v) =>
          `\`kubectl -n ${v.namespace} get pvc ${v.name} -o jsonpath='{.status.capacity.storage}'\` ` +
          `prints ${v.after}; a FileSystemResizePending condition clears when the pod restarts`,
      ),
    ],
  },
  SAME_SIZE_CLAIM,
  {
    kind: PVC,
    path: 'spec',
    dataBearing: true,
    class: 'destroys-data',
    why: (v) =>
      `an immutable field of claim ${v.name} changed: replacing it would start ` +
      `${v.generation ?? '<generation>'} on an empty volume (Pulumi refuses while the claim is protected)`,
  },
  {
    kind: PVC,
    path: '',
    on: 'added',
    when: isStep('backup'),
    class: 'safe',
    why: (v) =>
      `an empty volume of its own for the nightly dumps of ${v.generation ?? '<generation>'} (data-bearing from its first dump on)`,
  },
  {
    kind: PVC,
    path: '',
    on: 'removed',
    when: isStep('dump'),
    class: 'safe',
    why: (v) => `deletes ${v.name}, the transfer copy of an upgrade or restore: the dump goes, the source server still holds the data`,
    steps: [planStep.before((v) => `to keep the dump, copy it first: \`kubectl -n ${v.namespace} cp\` from a pod that mounts ${v.name}`)],
  },

  // --- The application Service: cutover -------------------------------------------------------
  {
    // Connections move; the writers' downtime (if any) started with the upgrade's writers-down Job.
    kind: SERVICE,
    path: 'spec.selector.pgfleet.io/generation',
    class: 'restart',
    why: (v) =>
      `cutover: Service ${v.name} moves from ${v.before} to ${v.after}; new connections reach ${v.after}, ` +
      `open ones to ${v.before} end when the application reconnects. Writes made to ${v.after} from now on are not on ${v.before}: ` +
      `going back later loses them`,
    steps: [
      planStep.before(
        (v) =>
          `the import into ${v.after} succeeded: \`kubectl -n ${v.namespace} logs ` +
          `job/${v.after}-import\` (or \`job/${v.after}-restore\`) ends with "pgfleet: imported"`,
      ),
      planStep.wait(
        (v) =>
          `\`kubectl -n ${v.namespace} get endpointslices -l kubernetes.io/service-name=${v.name} -o wide\` lists the pod ${v.after}-0`,
      ),
      planStep.check(
        (v) =>
          `\`kubectl -n ${v.namespace} exec ${v.after}-0 -- sh -c 'psql -U "$POSTGRES_USER" -d postgres -Atc ` +
          `"show server_version"'\` shows the expected major, and row counts of the main tables match ${v.before}`,
      ),
      // Retiring the old generation is the generic follow-up step of every cutover (after a grace period); this is the step before it.
      planStep.followUp(
        (v) =>
          `once the applications run well on ${v.after}, remove upgradeFrom/restoreFrom from ${v.after}: ` +
          `the finished Jobs and what only they used (scale RBAC, transfer PVC) leave, ` +
          `the server's files stay byte-identical; ${v.before} keeps running to switch back to`,
      ),
    ],
  },
  {
    kind: SERVICE,
    path: 'metadata.annotations.pgfleet.io/serving',
    class: 'safe',
    why: (v) => `records the serving generation (${v.before} → ${v.after})`,
  },

  ...standaloneJobRules,

  // --- Backups, configuration, network --------------------------------------------------------
  {
    kind: CRON_JOB,
    path: 'spec.schedule',
    class: 'safe',
    why: (v) => `nightly dump at another time (${v.before} → ${v.after}, UTC)`,
  },
  {
    kind: CRON_JOB,
    path: '',
    on: 'removed',
    class: 'safe',
    why: (v) => `no more nightly dumps by ${v.name}; dumps already taken stay until deleted`,
  },
  ...['containers', 'initContainers'].map((list): ChangeRule => ({
    kind: CRON_JOB,
    path: `spec.jobTemplate.spec.template.spec.${list}[*].env[name=RETENTION_DAYS].value`,
    when: lowered,
    class: 'destroys-data',
    why: (v) =>
      `dumps are kept fewer days (${v.before} → ${v.after}): the next run of ${v.name} deletes the dumps older than ` +
      `${v.after} days; no restore can reach back further`,
  })),
  {
    kind: CRON_JOB,
    path: 'spec',
    class: 'safe',
    why: () => 'how the nightly dump runs; takes effect at the next run',
    steps: [
      planStep.check((v) => `after the next run, \`kubectl -n ${v.namespace} get jobs -l pgfleet.io/step=backup\` shows it Complete`),
    ],
  },
  {
    kind: CONFIG_MAP,
    path: 'data',
    when: (b, a) => retentionDays(a) < retentionDays(b),
    class: 'destroys-data',
    why: (v) =>
      `blackbox keeps fewer days of dumps (${v.name}): its next run deletes the dumps older ` +
      `than the new retention_days from every storage target; no restore can reach back further`,
    steps: [
      planStep.before(
        () => 'if an older dump might still be needed, copy it out of the bucket first (blackbox deletes by age at its next run)',
      ),
    ],
  },
  {
    kind: CONFIG_MAP,
    path: 'data',
    class: 'safe',
    why: (v) =>
      `configuration file (${v.name}); a server restarts for it through its StatefulSet's config digest, blackbox reads it at its next run`,
  },
  {
    kind: NETWORK_POLICY,
    path: 'spec',
    class: 'safe',
    why: (v) => `who may connect to the servers of ${v.database ?? '<database>'} changes`,
    steps: [
      planStep.check(
        () =>
          "every client that must connect is a writer, in network.allowFrom, or one of pgfleet's Jobs (the stack refuses consumers " +
          'outside them); others now time out',
      ),
    ],
  },
];
