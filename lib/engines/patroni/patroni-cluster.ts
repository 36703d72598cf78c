import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { imagePullPolicy } from '../../constructs/image-pull-policy';
import { containerSecurityContext, type ImageUser, podSecurityContext } from '../../constructs/pod-security';
import { resourceQuantities } from '../../constructs/resource-quantities';
import { Construct } from 'constructs';
import type { PatroniDatabaseSpec } from './patroni-schema';
import { patroniNames } from './patroni-names';
import type { ResolvedGeneration } from '../../model/resolved';
import { DataBearing } from '../../constructs/data-bearing';
import type { PatroniSecret } from './patroni-credentials';
import { PatroniDcsRbac } from './patroni-dcs-rbac';
import { PATRONI_API_PORT, patroniEnv, patroniLabels, POSTGRES_PORT } from './patroni-env';
import { PatroniNetworkPolicy } from './patroni-network-policy';

export interface PatroniClusterProps {
  readonly spec: PatroniDatabaseSpec;
  /** The database name in the fleet. */
  readonly database: string;
  readonly namespace: string;
  readonly generation: ResolvedGeneration;
  readonly secret: PatroniSecret;
}

/** `postgres` in the Debian `postgres` image the bcgov Patroni image is built on. */
const PATRONI_IMAGE_USER: ImageUser = { uid: 999, gid: 999 };

/** The volume (and claim template) holding the data directory, as hcap names it. */
const DATA_VOLUME = 'postgresql';

/**
 * One Patroni generation: the bcgov Patroni image as a StatefulSet using the Kubernetes DCS
 * (ConfigMaps `<scope>-config|-leader|-failover`), its DCS ServiceAccount and Role, the leader
 * Service (selects the pod Patroni labels `role: master`), a PodDisruptionBudget and the
 * NetworkPolicies. The StatefulSet is data-bearing: its claim template's volumes hold the data.
 *
 * @see https://github.com/bcgov/patroni-postgres-container/tree/master/samples
 */
export class PatroniCluster extends Construct {
  /** StatefulSet, Service and Patroni scope. */
  public readonly clusterName: string;
  /** The leader Service's selector. */
  public readonly leaderSelector: Record<string, string>;
  public readonly statefulSet: k8s.KubeStatefulSet;

  constructor(scope: Construct, id: string, props: PatroniClusterProps) {
    super(scope, id);
    const { spec, generation: gen, namespace } = props;
    const name = patroniNames.cluster(gen.name);
    this.clusterName = name;
    const labels = { 'pgfleet.io/generation': gen.name };
    const members = { statefulset: name };
    this.leaderSelector = { ...patroniLabels(name), role: 'master' };

    const rbac = new PatroniDcsRbac(this, 'Dcs', { name, namespace, labels });

    new k8s.KubeService(this, 'Service', {
      metadata: { name, namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.leaderSelector },
        ports: [{ name: 'postgresql', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromNumber(POSTGRES_PORT), protocol: 'TCP' }],
      },
    });

    const image = spec.images[String(gen.postgresVersion)];
    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: { name, namespace, labels },
      spec: {
        serviceName: name,
        replicas: spec.replicas,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        selector: { matchLabels: members },
        template: {
          metadata: { labels: { ...members, ...patroniLabels(name), ...labels } },
          spec: {
            serviceAccountName: rbac.serviceAccountName,
            // Service links would inject <SERVICE>_PORT-style variables; one named patroni-… would
            // reach Patroni as PATRONI_* configuration.
            enableServiceLinks: false,
            // Patroni demotes the leader on SIGTERM; give it time before SIGKILL (hcap used 0).
            terminationGracePeriodSeconds: 30,
            securityContext: podSecurityContext({ user: PATRONI_IMAGE_USER, pinIds: spec.platform === 'kubernetes' }),
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  {
                    labelSelector: { matchExpressions: [{ key: 'statefulset', operator: 'In', values: [name] }] },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                ],
              },
            },
            containers: [
              {
                name: 'postgresql',
                image,
                imagePullPolicy: imagePullPolicy(image),
                env: patroniEnv({ scope: name, spec, secret: props.secret }),
                ports: [
                  { name: 'patroni', containerPort: PATRONI_API_PORT, protocol: 'TCP' },
                  { name: 'postgresql', containerPort: POSTGRES_PORT, protocol: 'TCP' },
                ],
                readinessProbe: {
                  exec: { command: ['/usr/share/scripts/patroni/health_check.sh'] },
                  initialDelaySeconds: 5,
                  timeoutSeconds: 5,
                  failureThreshold: 4,
                },
                resources: { requests: resourceQuantities(spec.resources.requests), limits: resourceQuantities(spec.resources.limits) },
                volumeMounts: [{ name: DATA_VOLUME, mountPath: '/home/postgres/pgdata' }],
                // The entrypoint writes /home/postgres/patroni.yml and, under an arbitrary uid,
                // /etc/passwd; PostgreSQL writes its socket to /var/run/postgresql.
                securityContext: containerSecurityContext({ readOnlyRootFilesystem: false, runAsNonRoot: true }),
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: DATA_VOLUME, labels },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(spec.storage.storageClass ? { storageClassName: spec.storage.storageClass } : {}),
              resources: { requests: { storage: k8s.Quantity.fromString(spec.storage.size) } },
            },
          },
        ],
      },
    });
    DataBearing.mark(this.statefulSet, gen.name);

    new k8s.KubePodDisruptionBudget(this, 'Disruption', {
      metadata: { name, namespace, labels },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: members } },
    });

    new PatroniNetworkPolicy(this, 'Network', {
      name,
      namespace,
      labels,
      memberSelector: members,
      database: props.database,
      clients: spec.network.clients,
    });
  }
}
