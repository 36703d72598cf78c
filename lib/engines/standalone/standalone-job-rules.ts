/** The standalone engine's upgrade and restore Jobs, in the order they run (part of standalone-rules.ts). */
import { step as planStep, type ChangeRule } from '../change-rule';
import { KIND } from '../rule-conditions';
import { dumpVerify, importFollowUps, isStep, jobDone, rerun, step, type StandaloneReviewVars } from './standalone-rule-parts';

const { job: JOB } = KIND;

export const standaloneJobRules: readonly ChangeRule<StandaloneReviewVars>[] = [
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
];
