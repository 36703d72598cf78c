import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { imagePullPolicy } from '../../constructs/image-pull-policy';
import { containerSecurityContext, type ImageUser, podSecurityContext } from '../../constructs/pod-security';
import { resourceQuantities } from '../../constructs/resource-quantities';
import type { PatroniDatabaseSpec } from './patroni-schema';
import { retentionOf } from './patroni-backup-schema';
import type { S3SecretRef } from '../../constructs/object-store-credentials';
import { fromSecret, type PatroniSecret } from './patroni-credentials';
import { BACKUP_POD_LABEL } from './patroni-network-policy';

/** What a backup-container pod does; the `app.kubernetes.io/component` label. */
export type BackupComponent = 'backup' | 'verify' | 'restore' | 'upgrade';

/** `postgres` in the sclorg/Fedora PostgreSQL image the backup-container is built on (`USER 26`). */
const BACKUP_IMAGE_USER: ImageUser = { uid: 26, gid: 26 };

/** Where the backup-container reads its database list (`backup.conf`). */
export const BACKUP_CONF = '/etc/pgfleet/backup.conf';

export interface BackupPodProps {
  readonly spec: PatroniDatabaseSpec;
  /** The database name in the fleet (network policy label). */
  readonly database: string;
  /** The generation the pod works for (label). */
  readonly generation: string;
  readonly component: BackupComponent;
  /** Bash script run by the container (from job-scripts.ts). */
  readonly script: string;
  /** The backup volume mounted at /backups/. */
  readonly backupPvc: string;
  /** Backup root inside the volume. @default /backups/ */
  readonly backupDir?: string;
  /** ConfigMap and key mounted as {@link BACKUP_CONF}. @default - none */
  readonly backupConf?: { readonly configMap: string; readonly key: string };
  /** Scratch volume for the verification server at /var/lib/pgsql/data. @default - none */
  readonly verificationPvc?: string;
  readonly secret: PatroniSecret;
  /** Credentials backup.sh connects with (DATABASE_USER/PASSWORD). */
  readonly connectAs: 'superuser' | 'app';
  /** S3 copy of every dump. @default - none */
  readonly s3?: { readonly endpoint: string; readonly bucket: string; readonly credentials: S3SecretRef };
  /** Extra environment for the script. @default [] */
  readonly env?: readonly k8s.EnvVar[];
}

/**
 * A pod of the BCDevOps backup-container: `/backup.sh` driven by environment (the CronJob
 * variant of the upstream templates), wrapped in pgfleet's script. The retention and strategy
 * env are those of the database's `backup`; `TZ` is the backup time zone, so dump names and the
 * daily/weekly/monthly split follow the same clock as the CronJob schedule.
 *
 * The pod has no API access (no token), a read-only root file system with emptyDirs for /tmp
 * and the home directory (psql history, the `mc` S3 client's config), and runs as the image's
 * `postgres` user. The verification pod is the exception: it starts a PostgreSQL server through
 * the image's `run-postgresql`, which writes its configuration and socket outside the volumes.
 *
 * @see https://github.com/BCDevOps/backup-container/blob/master/openshift/templates/backup-cronjob/backup-cronjob.yaml
 */
export function backupPodTemplate(props: BackupPodProps): k8s.PodTemplateSpec {
  const { spec, secret } = props;
  const b = spec.backup;
  const r = retentionOf(b);
  const user =
    props.connectAs === 'superuser' ? (['superuserUsername', 'superuserPassword'] as const) : (['appUsername', 'appPassword'] as const);
  const verifying = props.verificationPvc !== undefined;

  const env: k8s.EnvVar[] = [
    { name: 'TZ', value: b.timeZone },
    { name: 'BACKUP_DIR', value: props.backupDir ?? '/backups/' },
    { name: 'BACKUP_STRATEGY', value: r.strategy },
    ...(r.strategy === 'rolling'
      ? [
          { name: 'DAILY_BACKUPS', value: String(r.daily) },
          { name: 'WEEKLY_BACKUPS', value: String(r.weekly) },
          { name: 'MONTHLY_BACKUPS', value: String(r.monthly) },
        ]
      : [{ name: 'NUM_BACKUPS', value: String(r.total) }]),
    ...(props.backupConf ? [{ name: 'BACKUP_CONF', value: BACKUP_CONF }] : []),
    { name: 'DATABASE_USER', valueFrom: fromSecret(secret, user[0]) },
    { name: 'DATABASE_PASSWORD', valueFrom: fromSecret(secret, user[1]) },
    ...(props.s3
      ? [
          { name: 'S3_ENDPOINT', value: props.s3.endpoint },
          { name: 'S3_BUCKET', value: props.s3.bucket },
          {
            name: 'S3_USER',
            valueFrom: { secretKeyRef: { name: props.s3.credentials.secretName, key: props.s3.credentials.accessKeyIdKey } },
          },
          {
            name: 'S3_PASSWORD',
            valueFrom: { secretKeyRef: { name: props.s3.credentials.secretName, key: props.s3.credentials.secretAccessKeyKey } },
          },
        ]
      : []),
    ...(props.env ?? []),
  ];

  const volumes: k8s.Volume[] = [
    { name: 'backup', persistentVolumeClaim: { claimName: props.backupPvc } },
    { name: 'tmp', emptyDir: {} },
    ...(verifying
      ? [{ name: 'verification', persistentVolumeClaim: { claimName: props.verificationPvc! } }]
      : [{ name: 'home', emptyDir: {} }]),
    ...(props.backupConf
      ? [{ name: 'config', configMap: { name: props.backupConf.configMap, items: [{ key: props.backupConf.key, path: 'backup.conf' }] } }]
      : []),
  ];
  const mounts: k8s.VolumeMount[] = [
    { name: 'backup', mountPath: '/backups/' },
    { name: 'tmp', mountPath: '/tmp' },
    ...(verifying ? [{ name: 'verification', mountPath: '/var/lib/pgsql/data' }] : [{ name: 'home', mountPath: '/var/lib/pgsql' }]),
    ...(props.backupConf ? [{ name: 'config', mountPath: '/etc/pgfleet', readOnly: true }] : []),
  ];

  return {
    metadata: {
      labels: {
        'app.kubernetes.io/name': 'backup-container',
        'app.kubernetes.io/component': props.component,
        [BACKUP_POD_LABEL]: props.database,
        'pgfleet.io/generation': props.generation,
      },
    },
    spec: {
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: podSecurityContext({ user: BACKUP_IMAGE_USER, pinIds: spec.platform === 'kubernetes' }),
      volumes,
      containers: [
        {
          name: props.component,
          image: b.image,
          imagePullPolicy: imagePullPolicy(b.image),
          // backup.sh sources its helpers relative to the image's WORKDIR.
          workingDir: '/',
          command: ['/bin/bash', '-c', props.script],
          env,
          resources: { requests: resourceQuantities(b.resources.requests), limits: resourceQuantities(b.resources.limits) },
          volumeMounts: mounts,
          securityContext: containerSecurityContext({ readOnlyRootFilesystem: !verifying, runAsNonRoot: true }),
        },
      ],
    },
  };
}
