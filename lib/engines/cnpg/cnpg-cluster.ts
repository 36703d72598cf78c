import { Construct } from 'constructs';
import type { CnpgDatabaseSpec } from './cnpg-schema';
import {
  Cluster,
  type ClusterSpec,
  type ClusterSpecBootstrapRecoveryRecoveryTarget,
  type ClusterSpecExternalClusters,
  ClusterSpecPrimaryUpdateStrategy,
} from '../../../imports/cnpg-cluster-postgresql.cnpg.io';
import {
  ScheduledBackup,
  ScheduledBackupSpecBackupOwnerReference,
  ScheduledBackupSpecMethod,
} from '../../../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { cnpgServerName } from './cnpg-model';
import type { ResolvedGeneration } from '../../model/resolved';
import { DataBearing } from '../../constructs/data-bearing';
import type { S3SecretRef } from '../../constructs/object-store-credentials';
import { BARMAN_PLUGIN, inTreeArchive, inTreeSource } from './barman-archive';
import { importBootstrap } from './cnpg-import';

const PRIMARY_UPDATE_STRATEGY: Record<CnpgDatabaseSpec['primaryUpdateStrategy'], ClusterSpecPrimaryUpdateStrategy> = {
  unsupervised: ClusterSpecPrimaryUpdateStrategy.UNSUPERVISED,
  supervised: ClusterSpecPrimaryUpdateStrategy.SUPERVISED,
};

export interface CnpgClusterProps {
  readonly spec: CnpgDatabaseSpec;
  readonly namespace: string;
  readonly generation: ResolvedGeneration;
  /** The generation restored from, when the bootstrap is a restore. @default - none (initdb) */
  readonly source?: ResolvedGeneration;
  /** The plugin `ObjectStore` shared by the database's generations (plugin method). */
  readonly objectStoreName: string;
  readonly credentials: S3SecretRef;
}

/**
 * One CloudNativePG generation: its `Cluster` and `ScheduledBackup`. The cluster archives to
 * its own `serverName` folder (cluster name + major), so a restored or upgraded cluster never
 * writes where another one does; a restore reads the source's folder via `externalClusters`.
 *
 * @see https://cloudnative-pg.io/documentation/current/recovery/
 */
export class CnpgCluster extends Construct {
  public readonly clusterName: string;
  /** Barman folder this cluster archives to. */
  public readonly serverName: string;

  constructor(scope: Construct, id: string, props: CnpgClusterProps) {
    super(scope, id);
    const { spec, generation: gen, namespace } = props;
    this.clusterName = gen.name;
    this.serverName = cnpgServerName(gen);
    const plugin = spec.backup.method === 'plugin';

    const cluster = new Cluster(this, 'Resource', {
      metadata: { name: gen.name, namespace, labels: { 'pgfleet.io/generation': gen.name } },
      spec: {
        instances: spec.instances,
        imageCatalogRef: {
          apiGroup: 'postgresql.cnpg.io',
          kind: spec.imageCatalog.kind,
          name: spec.imageCatalog.name,
          major: gen.postgresVersion,
        },
        storage: { size: spec.storage.size, storageClass: spec.storage.storageClass },
        postgresql: Object.keys(spec.parameters).length ? { parameters: { ...spec.parameters } } : undefined,
        enableSuperuserAccess: spec.enableSuperuserAccess,
        primaryUpdateStrategy: PRIMARY_UPDATE_STRATEGY[spec.primaryUpdateStrategy],
        plugins: plugin
          ? [
              {
                name: BARMAN_PLUGIN,
                isWalArchiver: true,
                parameters: { barmanObjectName: props.objectStoreName, serverName: this.serverName },
              },
            ]
          : undefined,
        backup: plugin
          ? undefined
          : {
              barmanObjectStore: inTreeArchive(spec.backup, props.credentials, this.serverName),
              retentionPolicy: spec.backup.retentionPolicy,
            },
        ...this.bootstrap(props),
      },
    });
    DataBearing.mark(cluster, gen.name);

    new ScheduledBackup(this, 'ScheduledBackup', {
      metadata: { name: gen.name, namespace },
      spec: {
        cluster: { name: gen.name },
        schedule: spec.backup.schedule,
        // A new archive folder has no base backup until the first one: take it right away.
        immediate: true,
        backupOwnerReference: ScheduledBackupSpecBackupOwnerReference.SELF,
        method: plugin ? ScheduledBackupSpecMethod.PLUGIN : ScheduledBackupSpecMethod.BARMAN_OBJECT_STORE,
        pluginConfiguration: plugin ? { name: BARMAN_PLUGIN } : undefined,
      },
    });
  }

  /** `bootstrap` and `externalClusters` for the generation's variant. */
  private bootstrap(props: CnpgClusterProps): Pick<ClusterSpec, 'bootstrap' | 'externalClusters'> {
    const { spec, generation: gen } = props;
    const b = gen.bootstrap;
    if (b.kind === 'migrate') return importBootstrap(spec, b.migration!);
    if (b.kind !== 'restore') return { bootstrap: { initdb: { database: spec.database, owner: spec.owner } } };
    const source = props.source!;
    const t = b.target!;
    const backupId = spec.generations?.[gen.index]?.restoreFrom?.backupID;
    const recoveryTarget: ClusterSpecBootstrapRecoveryRecoveryTarget = {
      targetTime: t.kind === 'time' ? t.time!.rfc3339 : undefined,
      targetLsn: t.kind === 'lsn' ? t.value : undefined,
      targetName: t.kind === 'name' ? t.value : undefined,
      backupId,
    };
    const external: ClusterSpecExternalClusters =
      spec.backup.method === 'plugin'
        ? {
            name: source.name,
            plugin: { name: BARMAN_PLUGIN, parameters: { barmanObjectName: props.objectStoreName, serverName: cnpgServerName(source) } },
          }
        : {
            name: source.name,
            barmanObjectStore: inTreeSource(spec.backup, props.credentials, cnpgServerName(source)),
          };
    return {
      bootstrap: {
        recovery: {
          source: source.name,
          database: spec.database,
          owner: spec.owner,
          recoveryTarget: Object.values(recoveryTarget).some((v) => v !== undefined) ? recoveryTarget : undefined,
        },
      },
      externalClusters: [external],
    };
  }
}
