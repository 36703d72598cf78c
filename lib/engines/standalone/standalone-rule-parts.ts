/** Conditions and steps the standalone engine's rule files share. */
import { step as planStep, type ChangeContext, type ChangeRule, type RuleText } from '../change-rule';
import { KIND } from '../rule-conditions';

const { job: JOB } = KIND;

export const step = (c: ChangeContext) => (c.after ?? c.before)?.metadata?.labels?.['pgfleet.io/step'] as string | undefined;
export const isStep = (name: string) => (_b: unknown, _a: unknown, c: ChangeContext) => step(c) === name;
/** `retention_days` of a rendered blackbox config (ConfigMap data), or Infinity when it has none. */
export function retentionDays(data: unknown): number {
  const m = /^\s*retention_days:\s*(\d+)\s*$/m.exec(Object.values((data ?? {}) as Record<string, unknown>).join('\n'));
  return m ? Number(m[1]) : Infinity;
}

/** DUMP_VERIFY of a Job's container (`gzip`: a blackbox dump, without checksum), or undefined. */
export const dumpVerify = (job: any): unknown =>
  job?.spec?.template?.spec?.containers?.[0]?.env?.find((e: any) => e.name === 'DUMP_VERIFY')?.value;

export const jobDone = (timeout: string) =>
  planStep.wait(
    (v) =>
      `\`kubectl -n ${v.namespace} wait job/${v.name} --for=condition=Complete ` +
      `--timeout=${timeout}\` succeeds (Pulumi waits for it too before the next step)`,
  );
export const serverReady = (statefulSet: RuleText, what: string) =>
  planStep.wait((v) => `\`kubectl -n ${v.namespace} rollout status statefulset/${statefulSet(v)} --timeout=30m\` succeeds: ${what}`);
export const restarted = serverReady((v) => v.generation ?? '<generation>', 'the server accepts connections again');

/** A Job is immutable: a changed one is replaced and runs again. */
export const rerun = (what: string, klass: ChangeRule['class']): ChangeRule => ({
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
export const importFollowUps = [
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
