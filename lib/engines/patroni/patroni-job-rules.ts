/**
 * What pgfleet's Patroni Jobs do, for `pgfleet diff` and `pgfleet plan`: one-off and pre-restore
 * dumps, the restore or upgrade Job of a new generation, and the Jobs of an in-place restore
 * (the scale-down of its consumers, then the restore that drops the live database). They carry a
 * `pgfleet.io/restore` label saying which. Part of patroniChangeRules (patroni-rules.ts).
 */
import { step, type ChangeContext, type ChangeRule } from '../change-rule';
import { KIND } from '../rule-conditions';

const JOB = KIND.job;

const restoreKind = (kind: string) => (_b: unknown, _a: unknown, c: ChangeContext) =>
  (c.after ?? c.before)?.metadata?.labels?.['pgfleet.io/restore'] === kind;

/** kubectl's name for each kind a scale-down Job may stop (schema `inPlaceRestore.scaleDown[].kind`). */
const SCALED: Record<string, string> = { deployment: 'Deployment', deploymentconfig: 'DeploymentConfig', statefulset: 'StatefulSet' };

/** The kinds (kubectl's names) a scale-down Job stops: its command ends in `<kind>/<name>` arguments. */
function scaledKinds(c: ChangeContext): string[] {
  const command: unknown = (c.after ?? c.before)?.spec?.template?.spec?.containers?.[0]?.command;
  if (!Array.isArray(command)) return [];
  return [...new Set(command.filter((a): a is string => typeof a === 'string' && /^[a-z]+\/[^/]+$/.test(a)).map((a) => a.split('/')[0]))];
}

const scaleDown = restoreKind('scale-down');
const pauseDeploys = step.before(
  (v) => `pause any deploy pipeline that would scale the consumers of ${v.generation ?? '<generation>'} up again while the restore runs`,
);
const scaleUp = (what: string, arg: string) =>
  step.manual(
    (v) =>
      `once the restored data is checked, scale each ${what} the Job ${v.name} stopped back up: ` +
      `\`kubectl -n ${v.namespace} scale ${arg}/<name> --replicas=<n>\` (its command lists them; ` +
      `pgfleet does not know their replica counts)`,
  );

/** The scale-down Job of an in-place restore, in the words of the kind it stops. */
const scaleDownRules: readonly ChangeRule[] = [
  ...Object.entries(SCALED).map(([arg, kind]): ChangeRule => ({
    kind: JOB,
    path: '',
    on: 'added',
    when: (b: unknown, a: unknown, c: ChangeContext) => scaleDown(b, a, c) && scaledKinds(c).join() === arg,
    class: 'downtime',
    why: (v) => `Job ${v.name} scales the consumers of ${v.generation ?? '<generation>'} (${kind}) to zero before the restore`,
    steps: [pauseDeploys, scaleUp(kind, arg)],
  })),
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: scaleDown,
    class: 'downtime',
    why: (v) => `Job ${v.name} scales the consumers of ${v.generation ?? '<generation>'} to zero before the restore`,
    steps: [pauseDeploys, scaleUp('workload (Deployment, DeploymentConfig or StatefulSet)', '<kind>')],
  },
];

/** The Jobs, in the order their rules are tried. */
export const patroniJobRules: readonly ChangeRule[] = [
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: restoreKind('in-place'),
    class: 'destroys-data',
    why: (v) =>
      `destructive restore of ${v.generation ?? '<generation>'}: ` +
      `Job ${v.name} drops the live database and loads an older dump over it; every write since that dump is lost`,
    steps: [
      step.before(
        (v) =>
          `\`pulumi up\` runs it in this order (dependencies): a dump of every database to /backups/pre-restore-<id>/, ` +
          `the backup CronJobs suspended, the listed workloads scaled to zero, then the restore Job ${v.name}`,
      ),
      step.wait(
        (v) =>
          `\`kubectl -n ${v.namespace} wait job/${v.name} --for=condition=Complete --timeout=6h\`; ` +
          `its log names the dump it loaded, and refuses to start while sessions still use the database`,
      ),
      step.check(
        () =>
          'the data is what you expect; if not, restore the pre-restore dump the same way (a new inPlaceRestore id with its backupFile)',
      ),
      step.followUp(
        () => 'remove inPlaceRestore and its acknowledge entry from the stack: the backup CronJobs resume and the Jobs leave the output',
      ),
    ],
  },
  ...scaleDownRules,
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: restoreKind('new-generation'),
    class: 'new-cluster',
    why: (v) =>
      `Job ${v.name} loads a dump of ${v.source ?? '<source>'} into the new ` +
      `generation ${v.generation ?? '<generation>'} once its leader is up`,
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: restoreKind('upgrade'),
    class: 'new-cluster',
    why: (v) =>
      `Job ${v.name} dumps ${v.source ?? '<source>'} and loads the dump into ` +
      `the new generation ${v.generation ?? '<generation>'} on the newer major`,
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    class: 'safe',
    why: (v) =>
      `one-off dump Job ${v.name}: it runs once (an on-demand dump lands ` +
      `beside the scheduled ones, a pre-restore dump in a folder of its own)`,
    steps: [
      step.wait(
        (v) => `\`kubectl -n ${v.namespace} wait job/${v.name} --for=condition=Complete --timeout=30m\`; its log names the file written`,
      ),
    ],
  },
  {
    kind: JOB,
    path: '',
    on: 'removed',
    class: 'safe',
    why: () => 'a finished Job leaves the output; nothing runs again',
  },
  {
    kind: JOB,
    path: 'spec',
    class: 'safe',
    why: (v) => `Jobs cannot change: Pulumi replaces ${v.name}; a restore Job finds its own mark on the database and loads nothing again`,
  },
];
