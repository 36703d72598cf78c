/**
 * What changes to standalone objects do, for `pgfleet diff` and `pgfleet plan`. A standalone
 * database has one server per generation and no replica: any restart of a server is downtime.
 * pgfleet's Jobs carry a `pgfleet.io/step` label (writers-down, dump, import, restore,
 * writers-up), which is how these rules tell them apart.
 *
 * @see docs/standalone.md
 */
import type { ChangeContext, ChangeRule } from '../change-rule';
import { grows, KIND } from '../rule-conditions';

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
  const text = data && typeof data === 'object' ? Object.values(data as Record<string, unknown>).join('\n') : '';
  const m = /^\s*retention_days:\s*(\d+)\s*$/m.exec(text);
  return m ? Number(m[1]) : Infinity;
}

const jobDone = (timeout: string) =>
  `wait: \`kubectl -n {{namespace}} wait job/{{name}} --for=condition=Complete --timeout=${timeout}\` succeeds (Pulumi waits for it too before the next step)`;
const serverReady = (statefulSet: string, what: string) =>
  `wait: \`kubectl -n {{namespace}} rollout status statefulset/${statefulSet} --timeout=30m\` succeeds: ${what}`;
const restarted = serverReady('{{generation}}', 'the server accepts connections again');

/** A Job is immutable: a changed one is replaced and runs again. */
const rerun = (what: string, klass: ChangeRule['class']): ChangeRule => ({
  kind: JOB,
  path: 'spec',
  when: isStep(what),
  class: klass,
  why:
    what === 'writers-down'
      ? 'a Job cannot change: Pulumi replaces {{name}} and it scales the writers to zero again (finish the upgrade, i.e. remove upgradeFrom, before editing writers)'
      : what === 'writers-up'
        ? 'a Job cannot change: Pulumi replaces {{name}} and it scales the writers to their replicas again'
        : what === 'dump'
          ? 'a Job cannot change: Pulumi replaces {{name}} and it dumps {{source}} again over the previous dump file'
          : 'a Job cannot change: Pulumi replaces {{name}} and it runs again; the import refuses a server that is not empty, so it fails unless the server was recreated',
});

export const standaloneChangeRules: readonly ChangeRule[] = [
  // --- StatefulSet: one server per generation -------------------------------------------------
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'added',
    when: (_b, _a, c) => c.newGeneration && c.state.after?.bootstrap.kind === 'upgrade',
    class: 'new-cluster',
    why: 'new server {{name}} ({{bootstrap}}) on its own empty volume; it starts after the dump of {{source}} and is filled by the import Job; {{source}} keeps serving and keeps its volume',
    steps: [serverReady('{{name}}', 'the empty server accepts connections (initdb)')],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'added',
    when: (_b, _a, c) => c.newGeneration && c.state.after?.bootstrap.kind === 'restore',
    class: 'new-cluster',
    why: 'new server {{name}} ({{bootstrap}}) on its own empty volume, filled by the restore Job; the live servers are untouched',
    steps: [serverReady('{{name}}', 'the empty server accepts connections (initdb)')],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'removed',
    when: (_b, _a, c) => c.retiring,
    // Not downtime: a retired generation serves no one (retiring the serving one is refused).
    class: 'safe',
    why: 'generation {{generation}} is retired: Pulumi lets go of StatefulSet {{name}} without deleting it (retainOnDelete), so the server, which serves no one any more, keeps running unmanaged until it is deleted by hand after the grace period; its data stays on the PVC {{generation}}-data until that is deleted (see there)',
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.template.metadata.annotations.pgfleet.io/config-digest',
    class: 'downtime',
    why: 'postgresql.conf changed: the only server of {{generation}} restarts to read it (a minute without the database; open connections drop)',
    steps: [restarted],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.template.spec.containers[name=postgres].image',
    class: 'downtime',
    why: 'another image of the same major ({{before}} → {{after}}): the only server of {{generation}} restarts (a major change is a new generation)',
    steps: [restarted],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.template',
    class: 'downtime',
    why: 'the pod template changed: the only server of {{generation}} restarts (a minute without the database; open connections drop)',
    steps: [restarted],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec',
    class: 'downtime',
    why: 'an immutable StatefulSet field changed: Pulumi replaces {{name}}; the server restarts on the same PVC',
    steps: [restarted],
  },

  // --- PVCs: data, upgrade dumps, nightly dumps ----------------------------------------------
  {
    kind: PVC,
    path: 'spec.resources.requests.storage',
    when: grows,
    class: 'safe',
    why: 'the volume grows from {{before}} to {{after}} online, if the StorageClass allows expansion',
    steps: [
      "before: `kubectl get storageclass $(kubectl -n {{namespace}} get pvc {{name}} -o jsonpath='{.spec.storageClassName}') -o jsonpath='{.allowVolumeExpansion}'` prints true (otherwise the claim stays at {{before}})",
      "wait: `kubectl -n {{namespace}} get pvc {{name}} -o jsonpath='{.status.capacity.storage}'` prints {{after}}; a FileSystemResizePending condition clears when the pod restarts",
    ],
  },
  {
    kind: PVC,
    path: 'spec',
    dataBearing: true,
    class: 'destroys-data',
    why: 'an immutable field of claim {{name}} changed: replacing it would start {{generation}} on an empty volume (Pulumi refuses while the claim is protected)',
  },
  {
    kind: PVC,
    path: '',
    on: 'added',
    when: isStep('backup'),
    class: 'safe',
    why: 'an empty volume of its own for the nightly dumps of {{generation}} (data-bearing from its first dump on)',
  },
  {
    kind: PVC,
    path: '',
    on: 'removed',
    when: isStep('dump'),
    class: 'safe',
    why: 'deletes {{name}}, the transfer copy of an upgrade or restore: the dump goes, the source server still holds the data',
    steps: ['before: to keep the dump, copy it first: `kubectl -n {{namespace}} cp` from a pod that mounts {{name}}'],
  },

  // --- The application Service: cutover -------------------------------------------------------
  {
    kind: SERVICE,
    path: 'spec.selector.pgfleet.io/generation',
    class: 'downtime',
    why: 'cutover: Service {{name}} moves from {{before}} to {{after}}; new connections reach {{after}}, open ones to {{before}} end when the application reconnects. Writes made to {{after}} from now on are not on {{before}}: going back later loses them',
    steps: [
      'before: the import into {{after}} succeeded: `kubectl -n {{namespace}} logs job/{{after}}-import` (or `job/{{after}}-restore`) ends with "pgfleet: imported"',
      'wait: `kubectl -n {{namespace}} get endpointslices -l kubernetes.io/service-name={{name}} -o wide` lists the pod {{after}}-0',
      'check: `kubectl -n {{namespace}} exec {{after}}-0 -- sh -c \'psql -U "$POSTGRES_USER" -d postgres -Atc "show server_version"\'` shows the expected major, and row counts of the main tables match {{before}}',
      // Retiring {{before}} is the generic follow-up step of every cutover (after a grace period); this is the step before it.
      "follow-up: once the applications run well on {{after}}, remove upgradeFrom/restoreFrom from {{after}}: the finished Jobs and what only they used (scale RBAC, transfer PVC) leave, the server's files stay byte-identical; {{before}} keeps running to switch back to",
    ],
  },
  {
    kind: SERVICE,
    path: 'metadata.annotations.pgfleet.io/serving',
    class: 'safe',
    why: 'records the serving generation ({{before}} → {{after}})',
  },

  // --- Upgrade and restore Jobs, in the order they run ------------------------------------------
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: isStep('writers-down'),
    class: 'downtime',
    why: 'the writers listed in its pgfleet.io/writers annotation are scaled to zero before the dump, and stay down until the cutover to {{generation}}',
    steps: [
      'before: do the steps outside Kubernetes listed in the annotation pgfleet.io/manual-steps of job {{name}} (e.g. the maintenance page)',
      'before: pause whatever would scale the writers back (Argo CD or Flux auto-sync, an HPA)',
      jobDone('30m'),
      'check: every Deployment in the pgfleet.io/writers annotation shows 0/0 (`kubectl -n <namespace> get deployment <name>`) and has no pod left',
    ],
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: isStep('dump'),
    class: 'safe',
    why: 'pg_dumpall | gzip of {{source}} and its sha512 onto the PVC {{generation}}-dump; {{source}} is only read',
    steps: [
      jobDone('6h'),
      'check: `kubectl -n {{namespace}} logs job/{{name}}` ends with "pgfleet: wrote /dump/{{source}}.sql.gz (<bytes> bytes) sha512 <sum>"',
    ],
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: (_b, _a, c) => step(c) === 'import' || step(c) === 'restore',
    class: 'safe',
    why: "verifies the dump's sha512, then imports it into the empty server {{generation}} with ON_ERROR_STOP (any SQL error fails the Job, which is not retried)",
    steps: [
      jobDone('6h'),
      'check: `kubectl -n {{namespace}} logs job/{{name}}` shows "sha512 of … verified" and ends with "pgfleet: imported"',
      'manual: if the Job failed, read its log; the new server may be half-filled: retire {{generation}} and add a generation with a new name to try again ({{source}} is untouched)',
      'follow-up: cut over with serving: {{generation}} (this moves the Service and scales the writers back)',
    ],
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: isStep('writers-up'),
    class: 'safe',
    why: 'after the cutover to {{generation}}, the writers go back to the replicas in its pgfleet.io/writers annotation',
    steps: [
      jobDone('30m'),
      'manual: do the steps in the annotation pgfleet.io/manual-steps of job {{name}} (e.g. remove the maintenance page) and resume the CD sync paused before the dump',
      'check: the applications reconnect and log no errors; performance is as before (seed step 17)',
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
    why: 'the record of a finished Job {{name}} goes; nothing runs (a Job still running is stopped)',
  },

  // --- Backups, configuration, network --------------------------------------------------------
  {
    kind: CRON_JOB,
    path: 'spec.schedule',
    class: 'safe',
    why: 'nightly dump at another time ({{before}} → {{after}}, UTC)',
  },
  {
    kind: CRON_JOB,
    path: '',
    on: 'removed',
    class: 'safe',
    why: 'no more nightly dumps by {{name}}; dumps already taken stay until deleted',
  },
  {
    kind: CRON_JOB,
    path: 'spec',
    class: 'safe',
    why: 'how the nightly dump runs; takes effect at the next run',
    steps: ['check: after the next run, `kubectl -n {{namespace}} get jobs -l pgfleet.io/step=backup` shows it Complete'],
  },
  {
    kind: CONFIG_MAP,
    path: 'data',
    when: (b, a) => retentionDays(a) < retentionDays(b),
    class: 'destroys-data',
    why: 'blackbox keeps fewer days of dumps ({{name}}): its next run deletes the dumps older than the new retention_days from every storage target; no restore can reach back further',
    steps: ['before: if an older dump might still be needed, copy it out of the bucket first (blackbox deletes by age at its next run)'],
  },
  {
    kind: CONFIG_MAP,
    path: 'data',
    class: 'safe',
    why: "configuration file ({{name}}); a server restarts for it through its StatefulSet's config digest, blackbox reads it at its next run",
  },
  {
    kind: NETWORK_POLICY,
    path: 'spec',
    class: 'safe',
    why: 'who may connect to the servers of {{database}} changes',
    steps: [
      "check: every client that must connect is a writer, in network.allowFrom, or one of pgfleet's Jobs (the stack refuses consumers outside them); others now time out",
    ],
  },
];
