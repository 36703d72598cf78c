import type { CnpgDatabaseSpec } from './cnpg-schema';
import type { S3SecretRef } from '../../constructs/object-store-credentials';

/** Name of the Barman Cloud plugin, as the operator registers it. */
export const BARMAN_PLUGIN = 'barman-cloud.cloudnative-pg.io';

/**
 * The Barman object-store configuration shared by the plugin's `ObjectStore.spec.configuration`,
 * the in-tree `Cluster.spec.backup.barmanObjectStore` and in-tree `externalClusters` (one schema
 * upstream). `serverName` is left out: it is given per cluster.
 */
export function barmanConfiguration(backup: CnpgDatabaseSpec['backup'], creds: S3SecretRef) {
  return {
    destinationPath: backup.destinationPath,
    ...(backup.endpointURL ? { endpointURL: backup.endpointURL } : {}),
    s3Credentials: {
      accessKeyId: { name: creds.secretName, key: creds.accessKeyIdKey },
      secretAccessKey: { name: creds.secretName, key: creds.secretAccessKeyKey },
    },
    wal: { compression: backup.compression },
    data: { compression: backup.compression },
    ...(Object.keys(backup.tags).length ? { tags: { ...backup.tags } } : {}),
  };
}
