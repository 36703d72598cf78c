/**
 * What changes to standalone objects do, for `pgfleet diff` and `pgfleet plan`. A standalone
 * database has one server per generation and no replica: any restart of a server is downtime.
 * pgfleet's Jobs carry a `pgfleet.io/step` label (writers-down, dump, import, restore,
 * writers-up), which is how these rules tell them apart.
 *
 * @see docs/standalone.md
 */
// `planStep` makes runbook steps; `step` below reads a Job's pgfleet.io/step label.
import { step as planStep, type ChangeContext, type ChangeRule, type RuleText } from '../change-rule';
import { grows, KIND, lowered, sizeChange } from '../rule-conditions';

const {
  statefulSet: STATEFUL_SET,
  pvc: PVC,
  service: SERVICE,
  job: JOB,
  cronJob: CRON_JOB,
  configMap: CONFIG_MAP,
  networkPolicy: NETWORK_POLICY,
} = KIND;

const step = (c: ChangeContext) => (c.after ?? c.before)?.metadata?.labels?.['pgfleet.io/step'] as string | undefined;
const isStep = (name: string) => (_b: unknown, _a: unknown, c: ChangeContext) => step(c) === name;
/** `retention_days` of a rendered blackbox config (ConfigMap data), or Infinity when it has none. */
function retentionDays(data: unknown): number {
  const m = /^\s*retention_days:\s*(\d+)\s*$/m.exec(Object.values((data ?? {}) as Record<string, unknown>).join('\n'));
  return m ? Number(m[1]) : Infinity;
}

/** DUMP_VERIFY of a Job's container (`gzip`: a blackbox dump, without checksum), or undefined. */
const dumpVerify = (job: any): unknown =>
  job?.spec?.template?.spec?.containers?.[0]?.env?.find((e: any) => e.name === 'DUMP_VERIFY')?.value;

const jobDone = (timeout: string) =>
  planStep.wait(
    (v) =>
      `\`kubectl -n ${v.namespace} wait job/${v.name} --for=condition=Complete ` +
      `--timeout=${timeout}\` succeeds (Pulumi waits for it too before the next step)`,
  );
const serverReady = (statefulSet: RuleText, what: string) =>
  planStep.wait((v) => `\`kubectl -n ${v.namespace} rollout status statefulset/${statefulSet(v)} --timeout=30m\` succeeds: ${what}`);
const restarted = serverReady((v) => v.generation ?? '<generation>', 'the server accepts connections again');

/** A Job is immutable: a changed one is replaced and runs again. */
const rerun = (what: string, klass: ChangeRule['class']): ChangeRule => ({
  kind: JOB,
  path: 'spec',
  when: isStep(what),
  class: klass,
  why:
    what === 'writers-down'
      ? (v) =>
          `a Job cannot change: Pulumi replaces ${v.name} and it scales the writers to ` +
          `zero again (finish the upgrade, i.e. remove upgradeFrom, before editing writers)`
      : what === 'writers-up'
        ? (v) => `a Job cannot change: Pulumi replaces ${v.name} and it scales the writers to their replicas again`
        : what === 'dump'
          ? (v) => `a Job cannot change: Pulumi replaces ${v.name} and it dumps ${v.source ?? '<source>'} again over the previous dump file`
          : (v) =>
              `a Job cannot change: Pulumi replaces ${v.name} and it runs again; ` +
              `the import refuses a server that is not empty, so it fails unless the server was recreated`,
});

/** What follows an import or restore Job, whatever vouched for its dump. */
const importFollowUps = [
  planStep.manual(
    (v) =>
      `if the Job failed, read its log; the new server may be half-filled: retire ${v.generation ?? '<generation>'} ` +
      `and add a generation with a new name to try again (${v.source ?? '<source>'} is untouched)`,
  ),
  planStep.followUp((v) => `cut over with serving: ${v.generation ?? '<generation>'} (this moves the Service and scales the writers back)`),
];

/** What the stack lists to do by hand around an upgrade (`upgrade.manualSteps`), for the plan. */
export interface StandaloneReviewVars {
  readonly beforeDump: readonly string[];
  readonly afterCutover: readonly string[];
}

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
  {
    kind: PVC,
    path: 'spec.resources.requests.storage',
    when: (b, a) => sizeChange(b, a) === 'same',
    class: 'no-op',
    why: (v) => `the same size written another way (${v.before} → ${v.after})`,
  },
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

  // --- Upgrade and restore Jobs, in the order they run ------------------------------------------
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: isStep('writers-down'),
    class: 'downtime',
    // The writers stay down until the cutover, a later change.
    outageContinues: true,
    why: (v) =>
      `the writers listed in its pgfleet.io/writers annotation are scaled to zero before the dump, ` +
      `and stay down until the cutover to ${v.generation ?? '<generation>'}`,
    steps: [
      planStep.before((v) => (v.engine?.beforeDump ?? []).map((s) => `${s} (the stack's upgrade.manualSteps.beforeDump)`)),
      planStep.before(() => 'pause whatever would scale the writers back (Argo CD or Flux auto-sync, an HPA)'),
      jobDone('30m'),
      planStep.check(
        () =>
          'every Deployment in the pgfleet.io/writers annotation shows 0/0 ' +
          '(`kubectl -n <namespace> get deployment <name>`) and has no pod left',
      ),
    ],
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: isStep('dump'),
    class: 'safe',
    why: (v) =>
      `pg_dumpall | gzip of ${v.source ?? '<source>'} and its sha512 onto the PVC ` +
      `${v.generation ?? '<generation>'}-dump; ${v.source ?? '<source>'} is only read`,
    steps: [
      jobDone('6h'),
      planStep.check(
        (v) =>
          `\`kubectl -n ${v.namespace} logs job/${v.name}\` ends with "pgfleet: ` +
          `wrote /dump/${v.source ?? '<source>'}.sql.gz (<bytes> bytes) sha512 <sum>"`,
      ),
    ],
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: (_b, a, c) => step(c) === 'restore' && dumpVerify(a) === 'gzip',
    class: 'safe',
    why: (v) =>
      `downloads blackbox's dump (its pgfleet.io/dump annotation says which) into ${v.generation ?? '<generation>'}-dump, ` +
      `checks its gzip CRC and that it ends as pg_dumpall ends (blackbox records no checksum), then imports it into the empty ` +
      `server ${v.generation ?? '<generation>'} with ON_ERROR_STOP (any SQL error fails the Job, which is not retried)`,
    steps: [
      jobDone('6h'),
      planStep.check((v) => `\`kubectl -n ${v.namespace} logs job/${v.name} --all-containers\` ends with "pgfleet: imported"`),
      ...importFollowUps,
    ],
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: (_b, _a, c) => step(c) === 'import' || step(c) === 'restore',
    class: 'safe',
    why: (v) =>
      `verifies the dump's sha512, then imports it into the empty server ${v.generation ?? '<generation>'} ` +
      `with ON_ERROR_STOP (any SQL error fails the Job, which is not retried)`,
    steps: [
      jobDone('6h'),
      planStep.check(
        (v) => `\`kubectl -n ${v.namespace} logs job/${v.name}\` shows "sha512 of … verified" and ends with "pgfleet: imported"`,
      ),
      ...importFollowUps,
    ],
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: isStep('writers-up'),
    class: 'safe',
    why: (v) =>
      `after the cutover to ${v.generation ?? '<generation>'}, the writers go back to the replicas in its pgfleet.io/writers annotation`,
    steps: [
      jobDone('30m'),
      planStep.manual((v) => (v.engine?.afterCutover ?? []).map((s) => `${s} (the stack's upgrade.manualSteps.afterCutover)`)),
      planStep.manual(() => 'resume whatever was paused before the dump (Argo CD or Flux auto-sync, an HPA)'),
      planStep.check(() => 'the applications reconnect and log no errors; performance is as before'),
    ],
  },
  rerun('writers-down', 'downtime'),
  rerun('writers-up', 'safe'),
  rerun('dump', 'safe'),
  rerun('import', 'safe'),
  rerun('restore', 'safe'),
  {
    kind: JOB,
    path: '',
    on: 'removed',
    class: 'safe',
    why: (v) => `the record of a finished Job ${v.name} goes; nothing runs (a Job still running is stopped)`,
  },

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
