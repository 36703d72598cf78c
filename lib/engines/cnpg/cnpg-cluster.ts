import { Construct } from 'constructs';
import type { CnpgDatabaseSpec } from './cnpg-schema';
import { Cluster, ClusterSpecExternalClusters, ClusterSpecPrimaryUpdateStrategy } from '../../../imports/cnpg-cluster-postgresql.cnpg.io';
import {
  ScheduledBackup,
  ScheduledBackupSpecBackupOwnerReference,
  ScheduledBackupSpecMethod,
} from '../../../imports/cnpg-scheduledbackup-postgresql.cnpg.io';
import { cnpgServerName } from './cnpg-model';
import type { ResolvedGeneration } from '../../model/resolved';
import { DataBearing } from '../../constructs/data-bearing';
import type { S3SecretRef } from '../../constructs/object-store-credentials';
import { BARMAN_PLUGIN, barmanConfiguration } from './barman-archive';
import { importBootstrap } from './cnpg-import';

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
        storage: { size: spec.storage.size, ...(spec.storage.storageClass ? { storageClass: spec.storage.storageClass } : {}) },
        ...(Object.keys(spec.parameters).length ? { postgresql: { parameters: { ...spec.parameters } } } : {}),
        enableSuperuserAccess: spec.enableSuperuserAccess,
        primaryUpdateStrategy: spec.primaryUpdateStrategy as ClusterSpecPrimaryUpdateStrategy,
        ...(plugin
          ? {
              plugins: [
                {
                  name: BARMAN_PLUGIN,
                  isWalArchiver: true,
                  parameters: { barmanObjectName: props.objectStoreName, serverName: this.serverName },
                },
              ],
            }
          : {
              backup: {
                barmanObjectStore: { ...barmanConfiguration(spec.backup, props.credentials), serverName: this.serverName },
                retentionPolicy: spec.backup.retentionPolicy,
              } as never,
            }),
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
        ...(plugin
          ? { method: ScheduledBackupSpecMethod.PLUGIN, pluginConfiguration: { name: BARMAN_PLUGIN } }
          : { method: ScheduledBackupSpecMethod.BARMAN_OBJECT_STORE }),
      },
    });
  }

  /** `bootstrap` and `externalClusters` for the generation's variant. */
  private bootstrap(props: CnpgClusterProps) {
    const { spec, generation: gen } = props;
    const b = gen.bootstrap;
    if (b.kind === 'migrate') return importBootstrap(spec, b.migration!);
    if (b.kind !== 'restore') return { bootstrap: { initdb: { database: spec.database, owner: spec.owner } } };
    const source = props.source!;
    const t = b.target!;
    const restoreFrom = (spec.generations?.[gen.index]?.restoreFrom ?? {}) as { backupID?: string };
    const recoveryTarget =
      t.kind === 'time'
        ? { targetTime: t.time!.rfc3339 }
        : t.kind === 'lsn'
          ? { targetLsn: t.value }
          : t.kind === 'name'
            ? { targetName: t.value }
            : undefined;
    const external: ClusterSpecExternalClusters =
      spec.backup.method === 'plugin'
        ? {
            name: source.name,
            plugin: { name: BARMAN_PLUGIN, parameters: { barmanObjectName: props.objectStoreName, serverName: cnpgServerName(source) } },
          }
        : {
            name: source.name,
            barmanObjectStore: {
              ...barmanConfiguration(spec.backup, props.credentials),
              serverName: cnpgServerName(source),
              wal: { compression: spec.backup.compression, maxParallel: 8 },
            } as never,
          };
    return {
      bootstrap: {
        recovery: {
          source: source.name,
          database: spec.database,
          owner: spec.owner,
          ...(recoveryTarget || restoreFrom.backupID
            ? { recoveryTarget: { ...recoveryTarget, ...(restoreFrom.backupID ? { backupId: restoreFrom.backupID } : {}) } }
            : {}),
        },
      },
      externalClusters: [external],
    };
  }
}
