import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StandaloneBackupSpec, StandaloneDatabaseSpec } from './standalone-schema';
import type { ResolvedGeneration } from '../../model/resolved';
import type { S3SecretRef } from '../../constructs/object-store-credentials';
import { blackboxDatabaseId } from './blackbox-config';
import { BLACKBOX_FETCH_SCRIPT, FETCH_SCRIPT } from './dump-scripts';
import { dumpClaimLocation, type DumpLocation } from './dump-location';
import { dumpFileEnv, ImportJob } from './import-job';
import { backupClaimName, jobName } from './standalone-names';
import { rcloneEnv, rclonePath, rcloneRemote } from './rclone-remote';
import { serverImage } from './server-image';
import type { StandaloneServer } from './standalone-server';
import type { ToolContainer } from './tool-pod';

export interface StandaloneRestoreProps {
  readonly spec: StandaloneDatabaseSpec;
  readonly backup: StandaloneBackupSpec;
  readonly database: string;
  readonly namespace: string;
  /** The new generation (its server is `server`). */
  readonly generation: ResolvedGeneration;
  /** The generation whose nightly dumps are read. */
  readonly source: ResolvedGeneration;
  readonly server: StandaloneServer;
  /** Object-store keys: the dump target's (s3), or those of blackbox's first storage target. */
  readonly credentials?: S3SecretRef;
}

/**
 * Restore = the upgrade's import step fed from a nightly dump: `restoreFrom.backupFile` names one
 * (e.g. `postgres-20261120T150000Z.sql.gz`, or blackbox's `postgres_blackbox_20_11_2026.sql.gz`),
 * no target means the newest. From a PVC the Job mounts the source's claim `<source>-backups`
 * read-only and reads its folder; from a bucket (pgfleet's dumps, or blackbox's first storage
 * target) an rclone init container downloads the dump into a PVC `<gen>-dump` first. pgfleet's
 * dumps are imported only if their sha512 matches, blackbox's (which have none) if their gzip CRC
 * does; nothing reaches the new server before, and the source keeps running untouched.
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
    let describeDump: string | undefined;
    if (backup.method === 'blackbox') {
      // blackbox uploads `<id>_blackbox_<date>.sql.gz` to the root of each bucket; the first target is read.
      location = dumpClaimLocation(this, { spec, generation: gen.name, namespace }).location;
      const s = backup.storage[0];
      const prefix = blackboxDatabaseId(props.database);
      describeDump = `s3://${s.bucket}/${file ?? `(newest ${prefix}_blackbox_*.sql.gz)`} at ${s.endpoint} (${s.id})`;
      fetch = [
        {
          name: 'fetch',
          image: backup.rcloneImage,
          shell: 'sh',
          script: BLACKBOX_FETCH_SCRIPT,
          env: [
            ...rcloneEnv({ endpoint: `https://${s.endpoint}` }, props.credentials!),
            { name: 'SRC', value: rclonePath(s.bucket) },
            { name: 'DUMP_DIR', value: location.dir },
            { name: 'DUMP_PREFIX', value: prefix },
            ...dumpFileEnv(file),
          ],
          mounts: [{ name: 'dump', mountPath: '/dump' }],
        },
      ];
    } else if ('pvc' in backup.target) {
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
      verify: backup.method === 'blackbox' ? 'gzip' : 'sha512',
      describeDump,
    }).job;
    this.importJob.node.addDependency(props.server.statefulSet);
  }
}
