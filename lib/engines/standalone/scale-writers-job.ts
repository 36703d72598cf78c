import { Construct } from 'constructs';
import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { type KubectlStep, ScaleJob } from '../../constructs/scale-job';
import type { WriterSpec } from './standalone-schema';
import { STEP_LABEL } from './standalone-names';
import { jobResources } from './pod-defaults';

/** The pod labels kubectl waits on for a writer: its selector, or `app: <name>`. */
export function writerSelector(w: WriterSpec): string {
  const labels = w.selector ?? { app: w.name };
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

export interface ScaleWritersJobProps {
  readonly name: string;
  readonly namespace: string;
  readonly database: string;
  /** `down`: to zero, then wait until their pods are gone. `up`: to their replicas, then wait for the rollout. */
  readonly direction: 'down' | 'up';
  readonly writers: readonly WriterSpec[];
  readonly serviceAccountName: string;
  /** Image whose entrypoint is kubectl. */
  readonly image: string;
  /** kubectl --timeout, e.g. `10m`. */
  readonly timeout: string;
  /** Steps outside Kubernetes, recorded on the Job for `pgfleet plan`. @default [] */
  readonly manualSteps?: readonly string[];
}

/**
 * Scales the writers, one kubectl command per container (see ScaleJob): all scales first, then
 * `rollout status` (the controller has seen the change), then, going down,
 * `wait --for=delete pod --selector` so the dump starts only after the last writer has exited
 * (a terminating pod no longer counts as a replica but may still write). It only waits: a pod
 * of something else that carries the same labels is never deleted (the wait times out instead
 * and the Job fails, before the dump), and no match at all is success.
 */
export class ScaleWritersJob extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: ScaleWritersJobProps) {
    super(scope, id);
    const steps: KubectlStep[] = [];
    props.writers.forEach((w, i) => {
      steps.push({
        name: `scale-${i}`,
        args: ['scale', `deployment/${w.name}`, `--namespace=${w.namespace}`, `--replicas=${props.direction === 'down' ? 0 : w.replicas}`],
      });
    });
    props.writers.forEach((w, i) => {
      steps.push({
        name: `rollout-${i}`,
        args: ['rollout', 'status', `deployment/${w.name}`, `--namespace=${w.namespace}`, `--timeout=${props.timeout}`],
      });
    });
    if (props.direction === 'down') {
      props.writers.forEach((w, i) => {
        steps.push({
          name: `stopped-${i}`,
          args: [
            'wait',
            '--for=delete',
            'pod',
            `--namespace=${w.namespace}`,
            `--selector=${writerSelector(w)}`,
            `--timeout=${props.timeout}`,
          ],
        });
      });
    }
    const manual = props.manualSteps ?? [];
    this.job = new ScaleJob(this, 'Job', {
      name: props.name,
      namespace: props.namespace,
      labels: { [STEP_LABEL]: `writers-${props.direction}` },
      annotations: {
        'pgfleet.io/writers': props.writers.map((w) => `${w.namespace}/${w.name}=${props.direction === 'down' ? 0 : w.replicas}`).join(' '),
        ...(manual.length ? { 'pgfleet.io/manual-steps': manual.join('\n') } : {}),
      },
      podLabels: { 'pgfleet.io/database': props.database, [STEP_LABEL]: `writers-${props.direction}` },
      serviceAccountName: props.serviceAccountName,
      image: props.image,
      steps,
      // The requests of every other Job of the engine.
      resources: jobResources,
    }).job;
  }
}
