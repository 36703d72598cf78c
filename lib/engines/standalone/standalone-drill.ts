/**
 * The restore drill of a standalone database (`drill`): per live generation, a CronJob that loads
 * the newest dump into a scratch server, runs the check and records the outcome
 * (lib/constructs/restore-drill.ts). pgfleet's dumps are read from the generation's claim
 * (mounted read-only) or downloaded from its bucket folder with rclone, their sha512 verified;
 * blackbox's newest dump is downloaded from its first storage target. It runs in the
 * generation's server image.
 */
import { Construct } from 'constructs';
import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StackSpec } from '../../config/stack-spec';
import type { S3SecretRef } from '../../constructs/object-store-credentials';
import { drillS3Keys } from '../../constructs/drill-credentials';
import { type DrillContainer, drillEveryGeneration } from '../../constructs/restore-drill';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { blackboxDatabaseId } from './blackbox-config';
import { BLACKBOX_FETCH_SCRIPT, FETCH_SCRIPT } from './dump-scripts';
import { rcloneEnv, rclonePath, rcloneRemote } from './rclone-remote';
import { serverImage } from './server-image';
import { backupClaimName } from './standalone-model';
import { STANDALONE_DRILL_SCRIPT } from './standalone-drill-script';
import type { StandaloneDatabaseSpec } from './standalone-schema';

export interface StandaloneDrillProps {
  readonly database: ResolvedDatabase<StandaloneDatabaseSpec>;
  readonly stack: StackSpec;
  /** The keys of the dumps' bucket (target s3), used when the drill names none. @default - none */
  readonly backupCredentials?: S3SecretRef;
}

const FETCHED = '/scratch/fetch';

export class StandaloneDrill extends Construct {
  constructor(scope: Construct, id: string, props: StandaloneDrillProps) {
    super(scope, id);
    const db = props.database;
    const { spec } = db;
    const drill = spec.drill!;
    const b = spec.backup;
    const own = drillS3Keys(this, db, props.stack.vault);

    drillEveryGeneration(this, db, (gen) => {
      const where = this.source(db, gen, own ?? props.backupCredentials);
      return {
        database: 'postgres',
        user: { uid: spec.image.runAsUser, gid: spec.image.runAsUser },
        volumes: where.volumes,
        fetch: where.fetch,
        restore: {
          name: 'restore',
          image: drill.image ?? serverImage(spec, gen.postgresVersion),
          shell: 'bash',
          script: STANDALONE_DRILL_SCRIPT,
          env: [
            { name: 'DUMP_DIR', value: where.dir },
            ...(b.method === 'dump'
              ? [{ name: 'DUMP_PATTERN', value: `${gen.name}-*.sql.gz` }]
              : // blackbox's dumps carry no checksum: the gzip CRC and length vouch for them.
                [
                  { name: 'DUMP_PATTERN', value: `${blackboxDatabaseId(db.name)}_blackbox_*.sql.gz` },
                  { name: 'DUMP_VERIFY', value: 'gzip' },
                ]),
            // The superuser of the scratch server: pg_dumpall's roles section creates the live one beside it.
            { name: 'DRILL_SUPERUSER', value: 'postgres' },
          ],
          mounts: where.mounts,
        },
      };
    });
  }

  /** Where the drill finds the newest dump of a generation: its claim, or a download into the scratch volume. */
  private source(db: ResolvedDatabase<StandaloneDatabaseSpec>, gen: ResolvedGeneration, creds: S3SecretRef | undefined) {
    const b = db.spec.backup;
    const none = { volumes: [] as k8s.Volume[], mounts: [] as k8s.VolumeMount[], fetch: [] as DrillContainer[] };
    if (b.method === 'dump' && 'pvc' in b.target) {
      return {
        ...none,
        dir: `/backups/${gen.name}`,
        volumes: [{ name: 'backups', persistentVolumeClaim: { claimName: backupClaimName(gen.name), readOnly: true } }],
        mounts: [{ name: 'backups', mountPath: '/backups', readOnly: true }],
      };
    }
    if (b.method === 'dump' && 's3' in b.target) {
      const remote = rcloneRemote(b.target.s3, creds!, gen.name);
      const fetch: DrillContainer = {
        name: 'fetch',
        image: b.target.s3.rcloneImage,
        shell: 'sh',
        script: FETCH_SCRIPT,
        env: [...remote.env, { name: 'SRC', value: remote.path }, { name: 'DUMP_DIR', value: FETCHED }],
      };
      return { ...none, dir: FETCHED, fetch: [fetch] };
    }
    // blackbox: the first storage target, with the drill's keys or that target's own (the restore's).
    const blackbox = b as Extract<typeof b, { method: 'blackbox' }>;
    const target = blackbox.storage[0];
    // The restore's download (blackbox-fetch.sh): the newest `<id>_blackbox_*.sql.gz` by upload time.
    const fetch: DrillContainer = {
      name: 'fetch',
      image: blackbox.rcloneImage,
      shell: 'sh',
      script: BLACKBOX_FETCH_SCRIPT,
      env: [
        ...rcloneEnv({ endpoint: `https://${target.endpoint}` }, creds!),
        { name: 'SRC', value: rclonePath(target.bucket) },
        { name: 'DUMP_DIR', value: FETCHED },
        { name: 'DUMP_PREFIX', value: blackboxDatabaseId(db.name) },
      ],
    };
    return { ...none, dir: FETCHED, fetch: [fetch] };
  }
}
