import { Construct } from 'constructs';
import type { CnpgDatabaseSpec } from './cnpg-schema';
import { ObjectStore } from '../../../imports/barman-objectstore-barmancloud.cnpg.io';
import { Backup, BackupSpecMethod } from '../../../imports/cnpg-backup-postgresql.cnpg.io';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { Connection } from '../../constructs/connection';
import { objectStoreCredentials } from '../../constructs/object-store-credentials';
import type { DatabaseEngine, EngineProps } from '../engine';
import { BARMAN_PLUGIN, objectStoreConfiguration } from './barman-archive';
import { CnpgCluster } from './cnpg-cluster';
import { CnpgDrill } from './cnpg-drill';

/**
 * A CloudNativePG database: object-store credentials, one Barman Cloud `ObjectStore` shared by
 * its generations (each writes its own `serverName` folder below the prefix), and a
 * `CnpgCluster` per live generation. An on-demand `Backup` of the serving generation is taken
 * whenever `backup.onDemand.id` changes.
 *
 * @see https://cloudnative-pg.io/plugin-barman-cloud/docs/usage/
 */
export class CnpgDatabase extends Construct implements DatabaseEngine {
  public readonly objectStoreName: string;
  public readonly clusters: readonly CnpgCluster[];

  constructor(scope: Construct, id: string, props: EngineProps<ResolvedDatabase<CnpgDatabaseSpec>>) {
    super(scope, id);
    const db = props.database;
    const spec = db.spec;
    this.objectStoreName = `${db.name}-backups`;

    const credentials = objectStoreCredentials(this, 'Credentials', {
      credentials: spec.backup.credentials,
      name: `${db.name}-backup-creds`,
      namespace: db.namespace,
      vault: props.stack.vault,
      // CNPG reloads Secrets carrying this label, so rotated keys take effect without a restart.
      secretLabels: { 'cnpg.io/reload': 'true' },
    });

    if (spec.backup.method === 'plugin') {
      new ObjectStore(this, 'ObjectStore', {
        metadata: { name: this.objectStoreName, namespace: db.namespace },
        spec: { configuration: objectStoreConfiguration(spec.backup, credentials), retentionPolicy: spec.backup.retentionPolicy },
      });
    }

    this.clusters = db.generations.map(
      (gen) =>
        new CnpgCluster(this, gen.name, {
          spec,
          namespace: db.namespace,
          generation: gen,
          source: gen.bootstrap.source ? db.generations.find((g) => g.name === gen.bootstrap.source) : undefined,
          objectStoreName: this.objectStoreName,
          credentials,
        }),
    );

    if (spec.drill) new CnpgDrill(this, 'Drill', { database: db, stack: props.stack, backupCredentials: credentials });

    if (spec.backup.onDemand) {
      new Backup(this, 'OnDemandBackup', {
        metadata: { name: `${db.serving.name}-${spec.backup.onDemand.id}`, namespace: db.namespace },
        spec: {
          cluster: { name: db.serving.name },
          method: spec.backup.method === 'plugin' ? BackupSpecMethod.PLUGIN : BackupSpecMethod.BARMAN_OBJECT_STORE,
          pluginConfiguration: spec.backup.method === 'plugin' ? { name: BARMAN_PLUGIN } : undefined,
        },
      });
    }
  }

  /** CloudNativePG writes `<cluster>-app` with a ready `uri`; the server always has TLS (the operator's CA). */
  public connection(generation: ResolvedGeneration): Connection {
    return { secretName: `${generation.name}-app`, uriKey: 'uri', sslmode: 'require' };
  }
}
