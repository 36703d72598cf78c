import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { imagePullPolicy } from './image-pull-policy';
import { containerSecurityContext, type ImageUser, NOBODY, podSecurityContext } from './pod-security';

/** One kubectl command of a {@link ScaleJob}: a container `name` running `kubectl <args>`. */
export interface KubectlStep {
  /** Container name. */
  readonly name: string;
  /** kubectl's arguments, e.g. `['scale', 'deployment/api', '--replicas=0']`. */
  readonly args: readonly string[];
}

export interface ScaleJobProps {
  readonly name: string;
  readonly namespace: string;
  /** Labels of the Job. */
  readonly labels: Record<string, string>;
  /** @default - none */
  readonly annotations?: Record<string, string>;
  /** Labels of the Job's pod. */
  readonly podLabels: Record<string, string>;
  /** The ServiceAccount kubectl acts as; its Roles allow the steps and nothing more. */
  readonly serviceAccountName: string;
  /** An image whose entrypoint is kubectl; it needs no shell. */
  readonly image: string;
  /** Run in order, each to completion: all but the last as init containers. At least one. */
  readonly steps: readonly KubectlStep[];
  /** @default NOBODY */
  readonly user?: ImageUser;
  /** See {@link PodSecurityProps.pinIds}. @default true */
  readonly pinIds?: boolean;
  /** @default - requests 10m CPU and 32Mi, limit 128Mi: kubectl only talks to the API server */
  readonly resources?: k8s.ResourceRequirements;
  /** @default - none: each step's own `--timeout` bounds the Job */
  readonly activeDeadlineSeconds?: number;
  /**
   * How a container starts kubectl: `entrypoint` passes the step as `args` to the image's
   * entrypoint; `command` renders `kubectl <args>` as the container's `command` (kubectl on the
   * PATH), the form Patroni's change rules read the scaled workloads from.
   * @default entrypoint
   */
  readonly invocation?: 'entrypoint' | 'command';
}

const KUBECTL_RESOURCES: k8s.ResourceRequirements = {
  requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
  limits: { memory: k8s.Quantity.fromString('128Mi') },
};

/**
 * A Job that scales workloads (or waits on them) with kubectl, the one shape both engines render
 * for it: one container per command, run in order as init containers, because the kubectl image
 * has no shell and a list of plain commands is easy to review. The pod is restricted like every
 * other (non-root, no capability, read-only root with /tmp as an emptyDir for kubectl's cache),
 * and it mounts the API token of its ServiceAccount, whose Roles the engine keeps to the steps.
 */
export class ScaleJob extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: ScaleJobProps) {
    super(scope, id);
    if (props.steps.length === 0) throw new Error(`ScaleJob ${props.name}: at least one step`);
    const invocation = props.invocation ?? 'entrypoint';
    const container = (s: KubectlStep): k8s.Container => ({
      name: s.name,
      image: props.image,
      imagePullPolicy: imagePullPolicy(props.image),
      ...(invocation === 'command' ? { command: ['kubectl', ...s.args] } : { args: [...s.args] }),
      // kubectl keeps its discovery cache under $HOME.
      env: [{ name: 'HOME', value: '/tmp' }],
      resources: props.resources ?? KUBECTL_RESOURCES,
      securityContext: containerSecurityContext(),
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    });
    const steps = props.steps;
    this.job = new k8s.KubeJob(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: props.labels,
        ...(props.annotations ? { annotations: props.annotations } : {}),
      },
      spec: {
        backoffLimit: 2,
        ...(props.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: props.activeDeadlineSeconds } : {}),
        template: {
          metadata: { labels: props.podLabels },
          spec: {
            securityContext: podSecurityContext({
              user: props.user ?? NOBODY,
              pinIds: props.pinIds,
              fsGroupChangePolicy: 'OnRootMismatch',
            }),
            enableServiceLinks: false,
            // kubectl talks to the API server with this ServiceAccount's token.
            automountServiceAccountToken: true,
            serviceAccountName: props.serviceAccountName,
            restartPolicy: 'Never',
            ...(steps.length > 1 ? { initContainers: steps.slice(0, -1).map(container) } : {}),
            containers: [container(steps[steps.length - 1])],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } }],
          },
        },
      },
    });
  }
}
