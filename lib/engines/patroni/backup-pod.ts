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

/** Where the backup volume is mounted. */
export const BACKUP_MOUNT = '/backups/';

/**
 * A count no folder reaches: `backup.sh -1` of a safety dump (pre-restore, upgrade) prunes
 * nothing. Its folder lies outside the regular dumps' trees, which backup.sh prunes by path.
 */
const KEEP_EVERY_DUMP = '100000';

/**
 * Where a database's scheduled dumps go: `/backups/daily|weekly|monthly/<date>/` with the rolling
 * strategy (the image's own layout), `/backups/daily/<date>/` with the daily strategy. backup.sh
 * prunes `<root>daily*`, `weekly*` and `monthly*` (rolling) or everything under `<root>` (daily:
 * the root itself), so the daily strategy gets the root `/backups/daily/`: the safety dumps in
 * `/backups/pre-restore-<id>/` and `/backups/upgrade-<generation>/` stay out of every pruned tree.
 */
export function scheduledBackupDir(spec: Pick<PatroniDatabaseSpec, 'backup'>): string {
  return spec.backup.strategy === 'daily' ? `${BACKUP_MOUNT}daily/` : BACKUP_MOUNT;
}

export interface BackupShEnvProps {
  readonly spec: PatroniDatabaseSpec;
  readonly secret: PatroniSecret;
  /** backup.sh's root folder (`BACKUP_DIR`). */
  readonly backupDir: string;
  /** The database's retention, or keep every dump (a safety dump in a folder of its own). */
  readonly retention: 'schedule' | 'keep';
  /** S3 copy of every dump. @default - none */
  readonly s3?: { readonly endpoint: string; readonly bucket: string; readonly prune: boolean; readonly credentials: S3SecretRef };
}

/**
 * The environment `backup.sh -1` reads: `TZ` (the backup time zone, so dump names and the
 * daily/weekly/monthly split follow the CronJob's clock), `BACKUP_DIR`, strategy and counts,
 * `BACKUP_CONF`, the superuser it dumps as (`DATABASE_USER`/`DATABASE_PASSWORD`, as hcap's backup
 * DeploymentConfig) and the S3 target.
 */
export function backupShEnv(props: BackupShEnvProps): k8s.EnvVar[] {
  const { spec, secret } = props;
  const r = retentionOf(spec.backup);
  const retention =
    props.retention === 'keep'
      ? [
          { name: 'BACKUP_STRATEGY', value: 'daily' },
          { name: 'NUM_BACKUPS', value: KEEP_EVERY_DUMP },
        ]
      : r.strategy === 'rolling'
        ? [
            { name: 'BACKUP_STRATEGY', value: 'rolling' },
            { name: 'DAILY_BACKUPS', value: String(r.daily) },
            { name: 'WEEKLY_BACKUPS', value: String(r.weekly) },
            { name: 'MONTHLY_BACKUPS', value: String(r.monthly) },
          ]
        : [
            { name: 'BACKUP_STRATEGY', value: 'daily' },
            { name: 'NUM_BACKUPS', value: String(r.total) },
          ];
  const s3 = props.s3;
  return [
    { name: 'TZ', value: spec.backup.timeZone },
    { name: 'BACKUP_DIR', value: props.backupDir },
    ...retention,
    { name: 'BACKUP_CONF', value: BACKUP_CONF },
    ...superuserEnv(secret),
    ...(s3
      ? [
          { name: 'S3_ENDPOINT', value: s3.endpoint },
          { name: 'S3_BUCKET', value: s3.bucket },
          { name: 'S3_USER', valueFrom: { secretKeyRef: { name: s3.credentials.secretName, key: s3.credentials.accessKeyIdKey } } },
          {
            name: 'S3_PASSWORD',
            valueFrom: { secretKeyRef: { name: s3.credentials.secretName, key: s3.credentials.secretAccessKeyKey } },
          },
          ...(s3.prune ? [{ name: 'S3_PRUNE_BACKUPS', value: 'true' }] : []),
        ]
      : []),
  ];
}

/** `DATABASE_USER`/`DATABASE_PASSWORD` = the Patroni superuser (backup.sh's names; the restore script reads the same). */
export function superuserEnv(secret: PatroniSecret): k8s.EnvVar[] {
  return [
    { name: 'DATABASE_USER', valueFrom: fromSecret(secret, 'superuserUsername') },
    { name: 'DATABASE_PASSWORD', valueFrom: fromSecret(secret, 'superuserPassword') },
  ];
}

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
  /** ConfigMap and key mounted as {@link BACKUP_CONF}. @default - none */
  readonly backupConf?: { readonly configMap: string; readonly key: string };
  /** Scratch volume for the verification server at /var/lib/pgsql/data. @default - none */
  readonly verificationPvc?: string;
  /** The container's environment: exactly what its script and backup.sh read. */
  readonly env: readonly k8s.EnvVar[];
}

/**
 * A pod of the BCDevOps backup-container: pgfleet's script (job-scripts.ts) around the image's
 * `/backup.sh`, driven by environment (the CronJob variant of the upstream templates).
 *
 * The pod has no API access (no token), a read-only root file system with emptyDirs for /tmp
 * and the home directory (psql history, the `mc` S3 client's config), and runs as the image's
 * `postgres` user. The verification pod is the exception: it starts a PostgreSQL server through
 * the image's `run-postgresql`, which writes its configuration and socket outside the volumes.
 *
 * @see https://github.com/BCDevOps/backup-container/blob/master/openshift/templates/backup-cronjob/backup-cronjob.yaml
 */
export function backupPodTemplate(props: BackupPodProps): k8s.PodTemplateSpec {
  const { spec } = props;
  const b = spec.backup;
  const verifying = props.verificationPvc !== undefined;

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
    { name: 'backup', mountPath: BACKUP_MOUNT },
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
          env: [...props.env],
          resources: { requests: resourceQuantities(b.resources.requests), limits: resourceQuantities(b.resources.limits) },
          volumeMounts: mounts,
          securityContext: containerSecurityContext({ readOnlyRootFilesystem: !verifying, runAsNonRoot: true }),
        },
      ],
    },
  };
}
