import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { imagePullPolicy } from '../../constructs/image-pull-policy';
import { containerSecurityContext } from '../../constructs/pod-security';
import { jobResources, podSecurity, tmpMount, tmpVolume } from './pod-defaults';

/** One container of a tool pod: a script run by a shell in an image. */
export interface ToolContainer {
  readonly name: string;
  readonly image: string;
  /** `bash` for the Postgres images, `sh` for Alpine-based tool images. */
  readonly shell: 'bash' | 'sh';
  /** The script text (one of dump-scripts.ts), passed as the single argument of `<shell> -c`. */
  readonly script: string;
  readonly env: readonly k8s.EnvVar[];
  /** @default [] */
  readonly mounts?: readonly k8s.VolumeMount[];
}

export interface ToolPodProps {
  /** Pod labels (see `clientLabels`). */
  readonly labels: Record<string, string>;
  /** User (and fsGroup) of every container: the Postgres image's, so files on the volumes stay readable. */
  readonly uid: number;
  /** Run in order before `main`, each to completion. @default [] */
  readonly init?: readonly ToolContainer[];
  readonly main: ToolContainer;
  /** Besides /tmp. @default [] */
  readonly volumes?: readonly k8s.Volume[];
}

/** Container `shell -c script`: the script text is the args, exactly as tests run it. */
function container(c: ToolContainer): k8s.Container {
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: imagePullPolicy(c.image),
    command: [c.shell, '-c'],
    args: [c.script],
    env: [{ name: 'HOME', value: '/tmp' }, ...c.env],
    resources: jobResources,
    securityContext: containerSecurityContext(),
    volumeMounts: [tmpMount, ...(c.mounts ?? [])],
  };
}

/**
 * The pod template of pgfleet's dump, import, restore and backup Jobs: restricted security,
 * a read-only root with /tmp as emptyDir, scripts as literal args, no retries inside the pod
 * (`restartPolicy: Never`; the Job's backoffLimit decides).
 */
export function toolPod(props: ToolPodProps): k8s.PodTemplateSpec {
  return {
    metadata: { labels: props.labels },
    spec: {
      ...podSecurity({ uid: props.uid, gid: props.uid }),
      restartPolicy: 'Never',
      ...(props.init?.length ? { initContainers: props.init.map(container) } : {}),
      containers: [container(props.main)],
      volumes: [tmpVolume, ...(props.volumes ?? [])],
    },
  };
}
