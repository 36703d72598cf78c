import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StandaloneDatabaseSpec } from './standalone-schema';
import type { ResolvedGeneration } from '../../model/resolved';
import { DataBearing } from '../../constructs/data-bearing';
import { configMapName, dataClaimName, headlessServiceName, POSTGRES_PORT } from './standalone-names';
import { containerSecurityContext } from '../../constructs/pod-security';
import { resourceQuantities } from '../../constructs/resource-quantities';
import { podSecurity } from './pod-defaults';
import { confDigest, postgresConf } from './postgres-conf';
import { serverImage } from './server-image';
import { superuserRef, superuserSecret } from './superuser-secret';

export interface StandaloneServerProps {
  readonly spec: StandaloneDatabaseSpec;
  readonly database: string;
  readonly namespace: string;
  readonly generation: ResolvedGeneration;
}

const DATA_DIR = '/var/lib/postgresql/data';
const CONF_DIR = '/etc/postgresql';

/**
 * One generation's server: its postgresql.conf, its data PVC, a headless Service, and a
 * single-replica StatefulSet. A StatefulSet of one replica stops the old pod before starting the
 * new one (the seed's Deployment needed `strategy: Recreate` for that), and the
 * `ReadWriteOncePod` claim makes a second writer on the volume impossible.
 *
 * The PVC is a separate object rather than a volumeClaimTemplate: its name is explicit, it can
 * grow by editing the stack, and it survives the StatefulSet. Nothing here depends on how the
 * generation was created (initdb, restore, upgrade), so dropping `upgradeFrom`/`restoreFrom`
 * later leaves these manifests byte-identical.
 *
 * @see https://github.com/docker-library/docs/blob/master/postgres/README.md
 */
export class StandaloneServer extends Construct {
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly claim: k8s.KubePersistentVolumeClaim;
  /** Labels of the server's pod; the application Service selects the serving generation's. */
  public readonly podLabels: Record<string, string>;

  constructor(scope: Construct, id: string, props: StandaloneServerProps) {
    super(scope, id);
    const { spec, namespace, generation: gen } = props;
    const uid = spec.image.runAsUser;
    const su = superuserSecret(spec, props.database);
    this.podLabels = { 'pgfleet.io/database': props.database, 'pgfleet.io/generation': gen.name, 'pgfleet.io/role': 'server' };
    const metadata = (name: string) => ({ name, namespace, labels: { 'pgfleet.io/generation': gen.name } });

    const conf = postgresConf(spec.parameters);
    new k8s.KubeConfigMap(this, 'Config', { metadata: metadata(configMapName(gen.name)), data: { 'postgresql.conf': conf } });

    this.claim = new k8s.KubePersistentVolumeClaim(this, 'Data', {
      metadata: metadata(dataClaimName(gen.name)),
      spec: {
        accessModes: [spec.storage.accessMode],
        storageClassName: spec.storage.storageClass,
        resources: { requests: { storage: k8s.Quantity.fromString(spec.storage.size) } },
      },
    });
    DataBearing.mark(this.claim, gen.name);

    new k8s.KubeService(this, 'Headless', {
      metadata: metadata(headlessServiceName(gen.name)),
      spec: {
        clusterIp: 'None',
        selector: this.podLabels,
        ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString('postgres') }],
      },
    });

    const isReady = { exec: { command: ['pg_isready', '--quiet', '--host=127.0.0.1', `--port=${POSTGRES_PORT}`] } };

    this.statefulSet = new k8s.KubeStatefulSet(this, 'Resource', {
      metadata: metadata(gen.name),
      spec: {
        replicas: 1,
        serviceName: headlessServiceName(gen.name),
        selector: { matchLabels: this.podLabels },
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: this.podLabels, annotations: { 'pgfleet.io/config-digest': confDigest(conf) } },
          spec: {
            ...podSecurity({ uid, gid: uid }),
            // The image stops with SIGINT (fast shutdown); give it time to checkpoint.
            terminationGracePeriodSeconds: 120,
            containers: [
              {
                name: 'postgres',
                image: serverImage(spec, gen.postgresVersion),
                imagePullPolicy: spec.image.pullPolicy,
                args: ['-c', `config_file=${CONF_DIR}/postgresql.conf`],
                env: [
                  { name: 'POSTGRES_USER', valueFrom: superuserRef(su, 'user') },
                  { name: 'POSTGRES_PASSWORD', valueFrom: superuserRef(su, 'password') },
                  // initdb creates no database but postgres: databases come from DevOps or arrive with an import.
                  { name: 'POSTGRES_DB', value: 'postgres' },
                  // A subdirectory owned by the server (the volume root belongs to root:fsGroup);
                  // the seed's subPath `pgdata` holds the same files.
                  { name: 'PGDATA', value: `${DATA_DIR}/pgdata` },
                ],
                ports: [{ name: 'postgres', containerPort: POSTGRES_PORT, protocol: 'TCP' }],
                resources: {
                  requests: resourceQuantities(spec.resources.requests),
                  ...(Object.keys(resourceQuantities(spec.resources.limits)).length
                    ? { limits: resourceQuantities(spec.resources.limits) }
                    : {}),
                },
                // Crash recovery can take long after an unclean stop: allow up to an hour before readiness counts.
                startupProbe: { ...isReady, periodSeconds: 10, failureThreshold: 360 },
                readinessProbe: { ...isReady, periodSeconds: 10, failureThreshold: 3 },
                securityContext: containerSecurityContext(),
                volumeMounts: [
                  { name: 'data', mountPath: DATA_DIR },
                  { name: 'config', mountPath: CONF_DIR, readOnly: true },
                  { name: 'shm', mountPath: '/dev/shm' },
                  { name: 'run', mountPath: '/var/run/postgresql' },
                  { name: 'tmp', mountPath: '/tmp' },
                ],
              },
            ],
            volumes: [
              { name: 'data', persistentVolumeClaim: { claimName: dataClaimName(gen.name) } },
              { name: 'config', configMap: { name: configMapName(gen.name) } },
              { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(spec.sharedMemory) } },
              { name: 'run', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    });
    DataBearing.mark(this.statefulSet, gen.name);
    this.statefulSet.node.addDependency(this.claim);
  }
}
