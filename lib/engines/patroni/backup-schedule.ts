import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { durationSeconds } from '../../config/duration';
import { backedUpDatabases, type PatroniDatabaseSpec } from './patroni-schema';
import { patroniNames } from './patroni-names';
import { DataBearing } from '../../constructs/data-bearing';
import type { S3SecretRef } from '../../constructs/object-store-credentials';
import { BACKUP_CONF, BACKUP_MOUNT, backupPodTemplate, backupShEnv, scheduledBackupDir } from './backup-pod';
import { fromSecret } from './patroni-credentials';
import { BACKUP_SCRIPT, VERIFY_SCRIPT } from './job-scripts';
import type { PatroniSecret } from './patroni-credentials';
import { POSTGRES_PORT } from './patroni-env';

export interface BackupScheduleProps {
  readonly spec: PatroniDatabaseSpec;
  /** The database name in the fleet. */
  readonly database: string;
  readonly namespace: string;
  /** The generation backed up (its leader Service is the host dumped). */
  readonly generation: string;
  readonly secret: PatroniSecret;
  readonly s3?: S3SecretRef;
  /** Suspend the backup CronJobs (while a destructive restore runs). @default false */
  readonly suspend?: boolean;
}

/** `postgres=<host>:5432/<db>`: a backup.conf line and `-v`/`-r` spec of the backup-container. */
export function databaseSpec(host: string, database: string): string {
  return `postgres=${host}:${POSTGRES_PORT}/${database}`;
}

/**
 * A generation's backups with the BCDevOps backup-container: its backup volume
 * (`<generation>-backup`, data-bearing) and verification volume, a `backup.conf` per database,
 * one CronJob per database running `backup.sh -1`, and a verification CronJob that restores each
 * database's newest dump into a scratch server (`backup.sh -s -v`), so every dump is proven
 * restorable. Every live generation is backed up: a restored or upgraded one has its own volume.
 *
 * @see https://github.com/BCDevOps/backup-container#backup-strategies
 */
export class BackupSchedule extends Construct {
  public readonly backupPvcName: string;
  public readonly configName: string;
  /** The backup CronJob of each database. */
  public readonly cronJobs: ReadonlyMap<string, k8s.KubeCronJob>;
  public readonly verifyCronJob: k8s.KubeCronJob;
  private readonly props: BackupScheduleProps;

  constructor(scope: Construct, id: string, props: BackupScheduleProps) {
    super(scope, id);
    this.props = props;
    const { spec, namespace, generation: gen } = props;
    const b = spec.backup;
    const labels = { 'pgfleet.io/generation': gen };
    const dbs = backedUpDatabases(spec);
    this.backupPvcName = patroniNames.backupPvc(gen);
    this.configName = patroniNames.backupConfig(gen);

    const backupPvc = new k8s.KubePersistentVolumeClaim(this, 'BackupVolume', {
      metadata: { name: this.backupPvcName, namespace, labels },
      spec: {
        accessModes: [b.storage.accessMode],
        ...(b.storage.storageClass ? { storageClassName: b.storage.storageClass } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(b.storage.size) } },
      },
    });
    DataBearing.mark(backupPvc, gen);

    const verification = patroniNames.verificationPvc(gen);
    new k8s.KubePersistentVolumeClaim(this, 'VerificationVolume', {
      metadata: { name: verification, namespace, labels },
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(b.verification.storage.storageClass ? { storageClassName: b.verification.storage.storageClass } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(b.verification.storage.size) } },
      },
    });

    const specs = dbs.map((d) => databaseSpec(gen, d));
    new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: this.configName, namespace, labels },
      data: {
        ...Object.fromEntries(dbs.map((d, i) => [`${d}.conf`, `${specs[i]}\n`])),
        // backup.sh accepts -s (unattended) only when its config holds a cron line; the CronJob,
        // not the image's go-crond, runs it.
        'verify.conf': `${specs.join('\n')}\n${b.verification.schedule} default ./backup.sh -s -v all\n`,
      },
    });

    const cronJob = (cid: string, name: string, schedule: string, deadline: number, template: k8s.PodTemplateSpec, suspend: boolean) =>
      new k8s.KubeCronJob(this, cid, {
        metadata: { name, namespace, labels },
        spec: {
          schedule,
          timeZone: b.timeZone,
          concurrencyPolicy: 'Forbid',
          // A run missed by more than an hour (controller down) is skipped, not started late.
          startingDeadlineSeconds: 3600,
          successfulJobsHistoryLimit: 5,
          failedJobsHistoryLimit: 2,
          suspend,
          jobTemplate: { metadata: { labels }, spec: { backoffLimit: 0, activeDeadlineSeconds: deadline, template } },
        },
      });

    this.cronJobs = new Map(
      dbs.map((d) => [
        d,
        cronJob(
          `Backup-${d}`,
          patroniNames.backupCronJob(gen, d),
          b.schedule,
          b.deadlineSeconds,
          this.podTemplate(d),
          props.suspend ?? false,
        ),
      ]),
    );

    this.verifyCronJob = cronJob(
      'Verify',
      patroniNames.verifyCronJob(gen),
      b.verification.schedule,
      b.verification.deadlineSeconds,
      backupPodTemplate({
        spec,
        database: props.database,
        generation: gen,
        component: 'verify',
        script: VERIFY_SCRIPT,
        backupPvc: this.backupPvcName,
        backupConf: { configMap: this.configName, key: 'verify.conf' },
        verificationPvc: verification,
        env: [
          { name: 'BACKUP_DIR', value: BACKUP_MOUNT },
          { name: 'BACKUP_CONF', value: BACKUP_CONF },
          // The scratch server creates this user and its database (run-postgresql); the dump's objects belong to it.
          { name: 'DATABASE_USER', valueFrom: fromSecret(props.secret, 'appUsername') },
          { name: 'DATABASE_PASSWORD', valueFrom: fromSecret(props.secret, 'appPassword') },
          { name: 'DATABASE_SPECS', value: specs.join(' ') },
          { name: 'MAX_AGE_MINUTES', value: String(Math.round(durationSeconds(b.verification.maxAge)! / 60)) },
        ],
      }),
      false,
    );
  }

  /**
   * The pod template of `database`'s backup CronJob. A one-off backup uses it unchanged; with
   * `safetyDir` (a folder of its own, outside the trees backup.sh prunes), the dump is a safety
   * dump: nothing prunes it, and it prunes none of the regular dumps.
   */
  public podTemplate(database: string, safetyDir?: string): k8s.PodTemplateSpec {
    const { spec, generation: gen } = this.props;
    const s3 = this.props.s3 && spec.backup.s3 ? { ...spec.backup.s3, credentials: this.props.s3 } : undefined;
    return backupPodTemplate({
      spec,
      database: this.props.database,
      generation: gen,
      component: 'backup',
      script: BACKUP_SCRIPT,
      backupPvc: this.backupPvcName,
      backupConf: { configMap: this.configName, key: `${database}.conf` },
      env: [
        ...backupShEnv({
          spec,
          secret: this.props.secret,
          backupDir: safetyDir ?? scheduledBackupDir(spec),
          retention: safetyDir ? 'keep' : 'schedule',
          s3,
        }),
        { name: 'DUMP_PREFIX', value: patroniNames.dumpPrefix(gen, database) },
      ],
    });
  }

  /** A Job that runs `database`'s backup once (on-demand or before a restore). */
  public job(scope: Construct, id: string, name: string, database: string, safetyDir?: string): k8s.KubeJob {
    return new k8s.KubeJob(scope, id, {
      metadata: { name, namespace: this.props.namespace, labels: { 'pgfleet.io/generation': this.props.generation } },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: this.props.spec.backup.deadlineSeconds,
        template: this.podTemplate(database, safetyDir),
      },
    });
  }
}
