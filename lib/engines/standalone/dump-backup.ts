import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { DumpBackupSpec, StandaloneDatabaseSpec } from './standalone-schema';
import type { ResolvedGeneration } from '../../model/resolved';
import type { S3SecretRef } from '../../constructs/object-store-credentials';
import { DUMP_SCRIPT, UPLOAD_SCRIPT } from './dump-scripts';
import { backupClaimName, STEP_LABEL } from './standalone-names';
import { clientLabels, libpqEnv } from './pod-defaults';
import { rcloneRemote } from './rclone-remote';
import { serverImage } from './server-image';
import { toolPod } from './tool-pod';

export interface DumpBackupProps {
  readonly spec: StandaloneDatabaseSpec;
  readonly backup: DumpBackupSpec;
  readonly database: string;
  readonly namespace: string;
  readonly generation: ResolvedGeneration;
  /** Object-store keys (target s3). */
  readonly credentials?: S3SecretRef;
}

/**
 * The nightly `pg_dumpall | gzip` + sha512 of one generation (`<gen>-backup`), into the
 * generation's own folder: `<gen>/` on its own PVC `<gen>-backups`, or uploaded with rclone to
 * `<prefix><gen>/` in the bucket. Files are `<gen>-<UTC timestamp>.sql.gz` and `.sql.gz.sha512`;
 * dumps older than `retentionDays` are deleted after each successful one, never before.
 */
export class DumpBackup extends Construct {
  public readonly cronJob: k8s.KubeCronJob;

  constructor(scope: Construct, id: string, props: DumpBackupProps) {
    super(scope, id);
    const { spec, backup, generation: gen } = props;
    const image = backup.image ?? serverImage(spec, gen.postgresVersion);
    const common = [
      ...libpqEnv(spec, props.database, gen.name),
      { name: 'DUMP_PREFIX', value: gen.name },
      { name: 'RETENTION_DAYS', value: String(backup.retentionDays) },
    ];
    const labels = clientLabels(props.database, 'backup');

    let template: k8s.PodTemplateSpec;
    if ('pvc' in backup.target) {
      const dir = `/backups/${gen.name}`;
      template = toolPod({
        labels,
        uid: spec.image.runAsUser,
        main: {
          name: 'dump',
          image,
          shell: 'bash',
          script: DUMP_SCRIPT,
          env: [...common, { name: 'DUMP_DIR', value: dir }],
          mounts: [{ name: 'backups', mountPath: '/backups' }],
        },
        volumes: [{ name: 'backups', persistentVolumeClaim: { claimName: backupClaimName(gen.name) } }],
      });
    } else {
      // Dump into scratch space, then upload; the scratch dir starts empty each run.
      const s3 = backup.target.s3;
      const remote = rcloneRemote(s3, props.credentials!, gen.name);
      template = toolPod({
        labels,
        uid: spec.image.runAsUser,
        init: [
          {
            name: 'dump',
            image,
            shell: 'bash',
            script: DUMP_SCRIPT,
            env: [
              ...libpqEnv(spec, props.database, gen.name),
              { name: 'DUMP_PREFIX', value: gen.name },
              { name: 'DUMP_DIR', value: '/scratch' },
            ],
            mounts: [{ name: 'scratch', mountPath: '/scratch' }],
          },
        ],
        main: {
          name: 'upload',
          image: s3.rcloneImage,
          shell: 'sh',
          script: UPLOAD_SCRIPT,
          env: [
            ...remote.env,
            { name: 'DEST', value: remote.path },
            { name: 'DUMP_DIR', value: '/scratch' },
            { name: 'DUMP_PREFIX', value: gen.name },
            { name: 'RETENTION_DAYS', value: String(backup.retentionDays) },
          ],
          mounts: [{ name: 'scratch', mountPath: '/scratch' }],
        },
        volumes: [{ name: 'scratch', emptyDir: { sizeLimit: k8s.Quantity.fromString(s3.scratchSize) } }],
      });
    }

    this.cronJob = new k8s.KubeCronJob(this, 'Resource', {
      metadata: {
        name: `${gen.name}-backup`,
        namespace: props.namespace,
        labels: { 'pgfleet.io/generation': gen.name, [STEP_LABEL]: 'backup' },
      },
      spec: {
        schedule: backup.schedule,
        timeZone: 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: { spec: { backoffLimit: 2, template } },
      },
    });
  }
}
