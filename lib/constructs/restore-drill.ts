import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { drillName, type DrillSpec } from '../model/recovery-report';
import type { ResolvedDatabase, ResolvedGeneration } from '../model/resolved';
import { imagePullPolicy } from './image-pull-policy';
import { containerSecurityContext, type ImageUser, podSecurityContext } from './pod-security';

/** The kubectl image the recorder runs (its entrypoint is kubectl; it has no shell). */
const DRILL_KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.32.4';

/** One container of a drill before the recorder: a script run by a shell in an image. */
export interface DrillContainer {
  readonly name: string;
  readonly image: string;
  /** `bash` for the PostgreSQL images, `sh` for Alpine-based tool images. */
  readonly shell: 'bash' | 'sh';
  /** The script text, the single argument of `<shell> -c`, exactly as tests run it. */
  readonly script: string;
  /** @default [] */
  readonly env?: readonly k8s.EnvVar[];
  /** Besides /tmp, the scratch volume and the status folder. @default [] */
  readonly mounts?: readonly k8s.VolumeMount[];
  /** See ContainerSecurityProps.readOnlyRootFilesystem. @default true */
  readonly readOnlyRootFilesystem?: boolean;
}

export interface RestoreDrillProps {
  readonly generation: string;
  readonly namespace: string;
  readonly drill: DrillSpec;
  /** The database the check runs in unless `drill.check.database` names one. */
  readonly database: string;
  /** Restores the newest backup onto /scratch and runs the check (DRILL_PRELUDE + the engine's part). */
  readonly restore: DrillContainer;
  /** Run before `restore`, e.g. a download of the newest dump. @default [] */
  readonly fetch?: readonly DrillContainer[];
  /** The user of the restore image: PostgreSQL refuses to run as root. */
  readonly user: ImageUser;
  /** See PodSecurityProps.pinIds (false on OpenShift). @default true */
  readonly pinIds?: boolean;
  /** The scratch volume: an ephemeral claim the drill pod owns (deleted with it). */
  readonly scratchSize: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClass?: string;
  /** Volumes the containers mount besides the drill's own (e.g. a backup claim, read-only). @default [] */
  readonly volumes?: readonly k8s.Volume[];
  /** @default DRILL_KUBECTL_IMAGE */
  readonly kubectlImage?: string;
}

const STATUS_DIR = '/drill-status';
const TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * A scheduled restore drill of one generation (every engine renders this shape): a CronJob
 * `<generation>-drill` whose pod restores the newest backup onto a scratch claim it owns (a
 * generic ephemeral volume: deleted with the pod), starts a throwaway server on it that listens
 * on a socket only, runs the stack's check, and removes the copy again, passed or failed. A
 * recorder container then writes the outcome into the ConfigMap `<generation>-drill` (lastSuccess,
 * backup, restoredTo, checkValue); it runs only when the drill passed, so a failed drill shows as
 * a failed Job, a CronJob `.status.lastSuccessfulTime` that stops moving, and the logs.
 *
 * Least privilege: the ServiceAccount may get and patch that one ConfigMap, nothing else; only
 * the recorder mounts its token. Pods run as non-root with no capability and a read-only root
 * (/tmp, the scratch claim and the status folder are volumes). The drill never connects to the
 * live generation and only reads its archive.
 */
export class RestoreDrill extends Construct {
  public readonly name: string;
  public readonly cronJob: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: RestoreDrillProps) {
    super(scope, id);
    const { drill, namespace } = props;
    this.name = drillName(props.generation);
    const labels = { 'pgfleet.io/generation': props.generation, 'pgfleet.io/drill': props.generation };
    const metadata = { name: this.name, namespace, labels };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    new k8s.KubeRole(this, 'Role', {
      metadata,
      rules: [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [this.name], verbs: ['get', 'patch'] }],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name, namespace }],
    });
    // No data: the recorder owns the keys, and applying the stack again leaves them as written.
    new k8s.KubeConfigMap(this, 'Status', {
      metadata: {
        ...metadata,
        annotations: {
          'pgfleet.io/drill':
            `written by CronJob ${this.name} after each drill that passed: lastSuccess, backup (what was restored), ` +
            'restoredTo (newest transaction replayed), checkValue',
        },
      },
    });

    const check = drill.check;
    const checkEnv: k8s.EnvVar[] = [
      { name: 'CHECK_DATABASE', value: check.database ?? props.database },
      { name: 'CHECK_QUERY', value: check.query },
      check.atLeast !== undefined
        ? { name: 'CHECK_AT_LEAST', value: String(check.atLeast) }
        : { name: 'CHECK_EQUALS', value: check.equals! },
    ];
    const base: k8s.VolumeMount[] = [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'status', mountPath: STATUS_DIR },
    ];
    const container = (c: DrillContainer, env: readonly k8s.EnvVar[]): k8s.Container => ({
      name: c.name,
      image: c.image,
      imagePullPolicy: imagePullPolicy(c.image),
      command: [c.shell, '-c'],
      args: [c.script],
      env: [
        { name: 'HOME', value: '/tmp' },
        { name: 'DRILL_SCRATCH', value: '/scratch' },
        { name: 'DRILL_STATUS', value: STATUS_DIR },
        ...env,
        ...(c.env ?? []),
      ],
      resources: {
        requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('512Mi') },
        limits: { memory: k8s.Quantity.fromString('2Gi') },
      },
      securityContext: containerSecurityContext({ readOnlyRootFilesystem: c.readOnlyRootFilesystem }),
      volumeMounts: [...base, ...(c.mounts ?? [])],
    });
    const kubectl = props.kubectlImage ?? DRILL_KUBECTL_IMAGE;

    this.cronJob = new k8s.KubeCronJob(this, 'Resource', {
      metadata,
      spec: {
        schedule: drill.schedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 1,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: drill.deadlineSeconds,
            template: {
              metadata: { labels },
              spec: {
                securityContext: podSecurityContext({ user: props.user, pinIds: props.pinIds, fsGroupChangePolicy: 'OnRootMismatch' }),
                serviceAccountName: this.name,
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                restartPolicy: 'Never',
                initContainers: [...(props.fetch ?? []).map((c) => container(c, [])), container(props.restore, checkEnv)],
                containers: [
                  {
                    name: 'record',
                    image: kubectl,
                    imagePullPolicy: imagePullPolicy(kubectl),
                    args: ['patch', 'configmap', this.name, '-n', namespace, '--type=merge', `--patch-file=${STATUS_DIR}/patch.json`],
                    env: [{ name: 'HOME', value: '/tmp' }],
                    resources: {
                      requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                      limits: { memory: k8s.Quantity.fromString('128Mi') },
                    },
                    securityContext: containerSecurityContext(),
                    volumeMounts: [
                      { name: 'tmp', mountPath: '/tmp' },
                      { name: 'status', mountPath: STATUS_DIR, readOnly: true },
                      { name: 'token', mountPath: TOKEN_DIR, readOnly: true },
                    ],
                  },
                ],
                volumes: [
                  { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
                  { name: 'status', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Mi') } },
                  {
                    name: 'scratch',
                    ephemeral: {
                      volumeClaimTemplate: {
                        metadata: { labels },
                        spec: {
                          accessModes: ['ReadWriteOnce'],
                          ...(props.storageClass ? { storageClassName: props.storageClass } : {}),
                          resources: { requests: { storage: k8s.Quantity.fromString(drill.scratchSize ?? props.scratchSize) } },
                        },
                      },
                    },
                  },
                  {
                    name: 'token',
                    projected: {
                      sources: [
                        { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
                        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
                        { downwardApi: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
                      ],
                    },
                  },
                  ...(props.volumes ?? []),
                ],
              },
            },
          },
        },
      },
    });
  }
}

/** What an engine decides of a generation's drill; the rest comes from the database. */
export type GenerationDrillProps = Omit<RestoreDrillProps, 'generation' | 'namespace' | 'drill' | 'scratchSize' | 'storageClass'>;

/** A database whose drill runs on scratch sized like its own storage. */
type DrillingDatabase = Pick<ResolvedDatabase, 'namespace' | 'generations'> & {
  readonly spec: { readonly drill?: DrillSpec; readonly storage: { readonly size: string; readonly storageClass?: string } };
};

/** A RestoreDrill per live generation of a database with a `drill`, each as `each` says. */
export function drillEveryGeneration(
  scope: Construct,
  db: DrillingDatabase,
  each: (gen: ResolvedGeneration) => GenerationDrillProps,
): void {
  for (const gen of db.generations) {
    new RestoreDrill(scope, gen.name, {
      generation: gen.name,
      namespace: db.namespace,
      drill: db.spec.drill!,
      scratchSize: db.spec.storage.size,
      storageClass: db.spec.storage.storageClass,
      ...each(gen),
    });
  }
}
