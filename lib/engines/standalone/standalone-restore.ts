import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { DumpBackupSpec, StandaloneDatabaseSpec } from './standalone-schema';
import type { ResolvedGeneration } from '../../model/resolved';
import type { S3SecretRef } from '../../constructs/object-store-credentials';
import { FETCH_SCRIPT } from './dump-scripts';
import { dumpClaimLocation, type DumpLocation } from './dump-location';
import { dumpFileEnv, ImportJob } from './import-job';
import { backupClaimName, jobName } from './standalone-names';
import { rcloneRemote } from './rclone-remote';
import { serverImage } from './server-image';
import type { StandaloneServer } from './standalone-server';
import type { ToolContainer } from './tool-pod';

export interface StandaloneRestoreProps {
  readonly spec: StandaloneDatabaseSpec;
  readonly backup: DumpBackupSpec;
  readonly database: string;
  readonly namespace: string;
  /** The new generation (its server is `server`). */
  readonly generation: ResolvedGeneration;
  /** The generation whose nightly dumps are read. */
  readonly source: ResolvedGeneration;
  readonly server: StandaloneServer;
  /** Object-store keys (target s3). */
  readonly credentials?: S3SecretRef;
}

/**
 * Restore = the upgrade's import step fed from the source's nightly dumps: `restoreFrom.backupFile`
 * names one (e.g. `forgejo-20261120T150000Z.sql.gz`), no target means the newest. From a PVC the
 * Job mounts the source's claim `<source>-backups` read-only and reads its folder; from a bucket an rclone init container downloads the
 * dump and its checksum into a PVC `<gen>-dump` first. Either way the sha512 is verified before
 * anything reaches the new server, and the source keeps running untouched.
 */
export class StandaloneRestore extends Construct {
  public readonly importJob: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: StandaloneRestoreProps) {
    super(scope, id);
    const { spec, namespace, generation: gen, source, backup } = props;
    const target = gen.bootstrap.target!;
    const file = target.kind === 'backupFile' ? target.value : undefined;

    let location: DumpLocation;
    let fetch: ToolContainer[] = [];
    if ('pvc' in backup.target) {
      // The source's own claim, read-only: its nightly CronJob may write beside the restore, but only
      // to new files, and a dump counts once its checksum exists (see IMPORT_SCRIPT).
      location = {
        volume: { name: 'backups', persistentVolumeClaim: { claimName: backupClaimName(source.name), readOnly: true } },
        mountPath: '/backups',
        dir: `/backups/${source.name}`,
        readOnly: true,
      };
    } else {
      location = dumpClaimLocation(this, { spec, generation: gen.name, namespace }).location;
      const remote = rcloneRemote(backup.target.s3, props.credentials!, source.name);
      fetch = [
        {
          name: 'fetch',
          image: backup.target.s3.rcloneImage,
          shell: 'sh',
          script: FETCH_SCRIPT,
          env: [...remote.env, { name: 'SRC', value: remote.path }, { name: 'DUMP_DIR', value: location.dir }, ...dumpFileEnv(file)],
          mounts: [{ name: 'dump', mountPath: '/dump' }],
        },
      ];
    }

    this.importJob = new ImportJob(this, 'Import', {
      name: jobName.restore(gen.name),
      namespace,
      database: props.database,
      spec,
      image: serverImage(spec, gen.postgresVersion),
      location,
      target: gen.name,
      step: 'restore',
      file,
      fetch,
    }).job;
    this.importJob.node.addDependency(props.server.statefulSet);
  }
}
