import { Construct } from 'constructs';
import {
  PostgresCluster,
  PostgresClusterSpecBackupsPgbackrestRepos,
  type PostgresClusterSpecDataSource,
  PostgresClusterSpecBackupsPgbackrestReposVolumeVolumeClaimSpecResourcesRequests as RepoStorage,
  PostgresClusterSpecInstances,
  PostgresClusterSpecInstancesDataVolumeClaimSpecResourcesRequests as DataStorage,
  PostgresClusterSpecInstancesResourcesLimits as Limit,
  PostgresClusterSpecInstancesResourcesRequests as Request,
  PostgresClusterSpecUsers,
  PostgresClusterSpecUsersPasswordType,
} from '../../../imports/pgo-postgrescluster-postgres-operator.crunchydata.com';
import type { CrunchyDatabaseSpec, CrunchyGenerationSpec } from './crunchy-schema';
import { TargetTime } from '../../config/target-time';
import { PGO_ANNOTATIONS, repoPath } from './crunchy-model';
import { RecoveryTarget } from '../../model/recovery-target';
import type { ResolvedGeneration } from '../../model/resolved';
import { DataBearing } from '../../constructs/data-bearing';
import { MajorUpgrade } from './major-upgrade';
import { backupOptions, restoreOptions } from './pgbackrest-options';

const PASSWORD_TYPE: Record<NonNullable<CrunchyDatabaseSpec['users'][number]['passwordType']>, PostgresClusterSpecUsersPasswordType> = {
  ASCII: PostgresClusterSpecUsersPasswordType.ASCII,
  AlphaNumeric: PostgresClusterSpecUsersPasswordType.ALPHA_NUMERIC,
};

/** A one-off backup to render on this cluster. */
export interface ManualBackup {
  readonly id: string;
  readonly type: 'full' | 'diff' | 'incr';
  readonly repoName: string;
}

export interface CrunchyClusterProps {
  readonly spec: CrunchyDatabaseSpec;
  /** Database name (labels shared by all its generations). */
  readonly database: string;
  readonly namespace: string;
  readonly generation: ResolvedGeneration;
  /** The generation's own stack entry. @default - the default generation (no fields of its own) */
  readonly generationSpec?: CrunchyGenerationSpec;
  /** Secret with cloud repository keys, projected into pgBackRest's conf.d. @default - no cloud repositories */
  readonly repoCredentialsSecret?: string;
  /** @default - none */
  readonly manualBackup?: ManualBackup;
}

/**
 * One generation of a Crunchy database: its `PostgresCluster` and, while it upgrades, its
 * `PGUpgrade`.
 *
 * - Repositories: every generation gets the database's repositories. Cloud repositories get a
 *   `repoN-path` of their own below the prefix (`<prefix>/<generation>/<repo>`); a volume
 *   repository is the generation's own PVC `<generation>-<repo>`. A restored generation therefore
 *   never writes where its source does.
 * - Restore into a new generation: `dataSource.postgresCluster` naming the source cluster, which
 *   must keep existing while the restore runs (PGO reads its repository and configuration).
 * - In-place restore: `backups.pgbackrest.restore` and the `pgbackrest-restore` annotation.
 * - Major upgrade, phase `prepare`: the PGUpgrade, the `allow-upgrade` annotation and
 *   `shutdown: true`; phase `complete`: `postgresVersion: <to>` and `shutdown: false`.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/backups-disaster-recovery/disaster-recovery
 */
export class CrunchyCluster extends Construct {
  public readonly clusterName: string;
  /** The PostgreSQL major the rendered cluster declares. */
  public readonly postgresVersion: number;

  constructor(scope: Construct, id: string, props: CrunchyClusterProps) {
    super(scope, id);
    const { spec, generation: gen, namespace } = props;
    const g = props.generationSpec;
    const up = g?.upgrade;
    this.clusterName = gen.name;
    this.postgresVersion = up?.phase === 'complete' ? up.to : gen.postgresVersion;
    const image = up?.phase === 'complete' ? up.postgresImage : g?.image;

    const annotations: Record<string, string> = {};
    for (const r of spec.backups.repos) {
      if (r.volume) annotations[`pgfleet.io/${r.name}-on-cluster-delete`] = r.volume.onClusterDelete;
    }
    if (props.manualBackup) annotations[PGO_ANNOTATIONS.backup] = props.manualBackup.id;
    if (g?.restoreInPlace) annotations[PGO_ANNOTATIONS.restore] = g.restoreInPlace.id;

    let upgrade: MajorUpgrade | undefined;
    if (up) {
      upgrade = new MajorUpgrade(this, 'Upgrade', {
        cluster: gen.name,
        namespace,
        from: gen.postgresVersion,
        to: up.to,
        image: up.image,
        transferMethod: up.transferMethod,
        jobs: up.jobs,
      });
      if (up.phase === 'prepare') annotations[PGO_ANNOTATIONS.allowUpgrade] = upgrade.upgradeName;
    }

    const cluster = new PostgresCluster(this, 'Resource', {
      metadata: { name: gen.name, namespace, labels: { 'pgfleet.io/generation': gen.name }, annotations },
      spec: {
        postgresVersion: this.postgresVersion,
        image,
        // Explicit in every phase, so each upgrade phase is a one-line diff.
        shutdown: up?.phase === 'prepare',
        // PGO copies these labels onto every pod, PVC and Job of the cluster (NetworkPolicy selects them).
        metadata: { labels: { 'pgfleet.io/database': props.database, 'pgfleet.io/generation': gen.name } },
        instances: this.instances(spec),
        users: spec.users.map((u): PostgresClusterSpecUsers => ({
          name: u.name,
          databases: u.databases.length ? [...u.databases] : undefined,
          options: u.options,
          password: u.passwordType ? { type: PASSWORD_TYPE[u.passwordType] } : undefined,
        })),
        patroni: Object.keys(spec.parameters).length
          ? { dynamicConfiguration: { postgresql: { parameters: { ...spec.parameters } } } }
          : undefined,
        backups: {
          pgbackrest: {
            configuration: props.repoCredentialsSecret ? [{ secret: { name: props.repoCredentialsSecret } }] : undefined,
            global: this.global(spec, namespace),
            repos: spec.backups.repos.map((r) => this.repo(r)),
            manual: props.manualBackup
              ? { repoName: props.manualBackup.repoName, options: backupOptions(props.manualBackup.type) }
              : undefined,
            restore: g?.restoreInPlace
              ? {
                  enabled: true,
                  repoName: g.restoreInPlace.repoName ?? spec.backups.repos[0].name,
                  options: restoreOptions(inPlaceTarget(g.restoreInPlace), g.restoreInPlace.backupSet),
                }
              : undefined,
          },
        },
        dataSource: this.dataSource(props),
      },
    });
    DataBearing.mark(cluster, gen.name);
    // PGO's documented order: the PGUpgrade exists before the cluster allows it and shuts down.
    if (upgrade) cluster.node.addDependency(upgrade);
  }

  private instances(spec: CrunchyDatabaseSpec): PostgresClusterSpecInstances[] {
    return spec.instances.map((s) => {
      const volume = s.storage ?? spec.storage;
      // Only the quantities set: a resource map with an empty entry is refused.
      const quantities = <Q>(q: typeof s.requests, of: (v: string) => Q): Record<string, Q> | undefined => {
        const out: Record<string, Q> = {};
        if (q?.cpu) out.cpu = of(q.cpu);
        if (q?.memory) out.memory = of(q.memory);
        return Object.keys(out).length ? out : undefined;
      };
      const requests = quantities(s.requests, (v) => Request.fromString(v));
      const limits = quantities(s.limits, (v) => Limit.fromString(v));
      return {
        name: s.name,
        replicas: s.replicas,
        dataVolumeClaimSpec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: volume.storageClass,
          resources: { requests: { storage: DataStorage.fromString(volume.size) } },
        },
        resources: requests || limits ? { requests, limits } : undefined,
      };
    });
  }

  /** Retention and repository paths pgfleet derives, then the stack's own options. */
  private global(spec: CrunchyDatabaseSpec, namespace: string): Record<string, string> {
    const global: Record<string, string> = {};
    for (const r of spec.backups.repos) {
      global[`${r.name}-retention-full`] = String(r.retention.full);
      global[`${r.name}-retention-full-type`] = r.retention.type;
      const path = repoPath(namespace, this.clusterName, r);
      if (path) global[`${r.name}-path`] = path;
    }
    return { ...global, ...spec.backups.global };
  }

  private repo(r: CrunchyDatabaseSpec['backups']['repos'][number]): PostgresClusterSpecBackupsPgbackrestRepos {
    const s = r.schedules;
    return {
      name: r.name,
      schedules:
        s.full || s.differential || s.incremental ? { full: s.full, differential: s.differential, incremental: s.incremental } : undefined,
      volume: r.volume
        ? {
            volumeClaimSpec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: r.volume.storageClass,
              resources: { requests: { storage: RepoStorage.fromString(r.volume.size) } },
            },
          }
        : undefined,
      s3: r.s3 ? { bucket: r.s3.bucket, endpoint: r.s3.endpoint, region: r.s3.region } : undefined,
      gcs: r.gcs ? { bucket: r.gcs.bucket } : undefined,
      azure: r.azure ? { container: r.azure.container } : undefined,
    };
  }

  /** `dataSource.postgresCluster` for a generation restored from another one. */
  private dataSource(props: CrunchyClusterProps): PostgresClusterSpecDataSource | undefined {
    const b = props.generation.bootstrap;
    if (b.kind !== 'restore') return undefined;
    const options = restoreOptions(b.target!, props.generationSpec?.restoreFrom?.backupSet);
    return {
      postgresCluster: {
        clusterName: b.source!,
        repoName: props.generationSpec?.restoreRepo ?? props.spec.backups.repos[0].name,
        options: options.length ? options : undefined,
      },
    };
  }
}

/** The recovery target of an in-place restore. */
function inPlaceTarget(r: NonNullable<CrunchyGenerationSpec['restoreInPlace']>): RecoveryTarget {
  if (r.targetTime !== undefined) return RecoveryTarget.time(TargetTime.parse(r.targetTime)!);
  if (r.targetLSN !== undefined) return RecoveryTarget.lsn(r.targetLSN);
  if (r.targetName !== undefined) return RecoveryTarget.named(r.targetName);
  return RecoveryTarget.latest();
}
