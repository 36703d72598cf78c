import type { CnpgDatabaseSpec } from './cnpg-schema';
import type { S3SecretRef } from '../../constructs/object-store-credentials';
import {
  type ObjectStoreSpecConfiguration,
  ObjectStoreSpecConfigurationDataCompression as StoreData,
  type ObjectStoreSpecConfigurationS3Credentials,
  ObjectStoreSpecConfigurationWalCompression as StoreWal,
} from '../../../imports/barman-objectstore-barmancloud.cnpg.io';
import {
  type ClusterSpecBackupBarmanObjectStore,
  ClusterSpecBackupBarmanObjectStoreDataCompression as BackupData,
  ClusterSpecBackupBarmanObjectStoreWalCompression as BackupWal,
  type ClusterSpecExternalClustersBarmanObjectStore,
  ClusterSpecExternalClustersBarmanObjectStoreDataCompression as ExternalData,
  ClusterSpecExternalClustersBarmanObjectStoreWalCompression as ExternalWal,
} from '../../../imports/cnpg-cluster-postgresql.cnpg.io';

/** Name of the Barman Cloud plugin, as the operator registers it. */
export const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';

type Backup = CnpgDatabaseSpec['backup'];
type Compression = Backup['compression'];

// The stack's compression in each generated enum: a value an enum lacks fails to compile.
const STORE: Record<Compression, [StoreWal, StoreData]> = {
  gzip: [StoreWal.GZIP, StoreData.GZIP],
  bzip2: [StoreWal.BZIP2, StoreData.BZIP2],
  lz4: [StoreWal.LZ4, StoreData.LZ4],
  snappy: [StoreWal.SNAPPY, StoreData.SNAPPY],
};
const IN_TREE: Record<Compression, [BackupWal, BackupData]> = {
  gzip: [BackupWal.GZIP, BackupData.GZIP],
  bzip2: [BackupWal.BZIP2, BackupData.BZIP2],
  lz4: [BackupWal.LZ4, BackupData.LZ4],
  snappy: [BackupWal.SNAPPY, BackupData.SNAPPY],
};
const EXTERNAL: Record<Compression, [ExternalWal, ExternalData]> = {
  gzip: [ExternalWal.GZIP, ExternalData.GZIP],
  bzip2: [ExternalWal.BZIP2, ExternalData.BZIP2],
  lz4: [ExternalWal.LZ4, ExternalData.LZ4],
  snappy: [ExternalWal.SNAPPY, ExternalData.SNAPPY],
};

/** The access key pair, in the shape all three configurations share. */
function s3Credentials(creds: S3SecretRef): ObjectStoreSpecConfigurationS3Credentials {
  return {
    accessKeyId: { name: creds.secretName, key: creds.accessKeyIdKey },
    secretAccessKey: { name: creds.secretName, key: creds.secretAccessKeyKey },
  };
}

const tagsOf = (backup: Backup) => (Object.keys(backup.tags).length ? { ...backup.tags } : undefined);

/*
 * The Barman object-store configuration is one schema upstream, generated three times: the plugin's
 * `ObjectStore.spec.configuration`, the in-tree `Cluster.spec.backup.barmanObjectStore` and the in-tree
 * `externalClusters[].barmanObjectStore`. Each builder below returns its generated type, so a field
 * the generated class does not map (it would be dropped from the output without a word: the classes
 * write `endpointURL` from `endpointUrl`) fails to compile. Absent values are `undefined`, which the
 * generated serializers leave out.
 */

/** `ObjectStore.spec.configuration` of the Barman Cloud plugin; `serverName` is a parameter of each Cluster. */
export function objectStoreConfiguration(backup: Backup, creds: S3SecretRef): ObjectStoreSpecConfiguration {
  const [wal, data] = STORE[backup.compression];
  return {
    destinationPath: backup.destinationPath,
    endpointUrl: backup.endpointURL,
    s3Credentials: s3Credentials(creds),
    wal: { compression: wal },
    data: { compression: data },
    tags: tagsOf(backup),
  };
}

/** In-tree `Cluster.spec.backup.barmanObjectStore`: where this cluster archives. */
export function inTreeArchive(backup: Backup, creds: S3SecretRef, serverName: string): ClusterSpecBackupBarmanObjectStore {
  const [wal, data] = IN_TREE[backup.compression];
  return {
    destinationPath: backup.destinationPath,
    endpointUrl: backup.endpointURL,
    serverName,
    s3Credentials: s3Credentials(creds),
    wal: { compression: wal },
    data: { compression: data },
    tags: tagsOf(backup),
  };
}

/**
 * In-tree `externalClusters[].barmanObjectStore`: the source's archive a restore reads. WAL is
 * fetched eight files at a time (a restore replays the whole archive up to the target).
 */
export function inTreeSource(backup: Backup, creds: S3SecretRef, serverName: string): ClusterSpecExternalClustersBarmanObjectStore {
  const [wal, data] = EXTERNAL[backup.compression];
  return {
    destinationPath: backup.destinationPath,
    endpointUrl: backup.endpointURL,
    serverName,
    s3Credentials: s3Credentials(creds),
    wal: { compression: wal, maxParallel: 8 },
    data: { compression: data },
    tags: tagsOf(backup),
  };
}
