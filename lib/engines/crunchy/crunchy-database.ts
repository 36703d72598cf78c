import { Construct } from 'constructs';
import type { CrunchyDatabaseSpec } from './crunchy-schema';
import { consumerUser, generationSpecOf, userSecretName } from './crunchy-model';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { Connection } from '../../constructs/connection';
import type { DatabaseEngine, EngineProps } from '../engine';
import { CrunchyCluster } from './crunchy-cluster';
import { CrunchyDrill } from './crunchy-drill';
import { CrunchyNetworkPolicy } from './crunchy-network-policy';
import { RepoCredentials } from './repo-credentials';

/**
 * A Crunchy PGO database: a `CrunchyCluster` (PostgresCluster, and PGUpgrade while upgrading) per
 * live generation, cloud repository credentials shared by the generations, and optionally a
 * NetworkPolicy. A one-off backup (`backups.manual`) is rendered on the serving generation unless
 * it names another one.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest
 */
export class CrunchyDatabase extends Construct implements DatabaseEngine {
  public readonly clusters: readonly CrunchyCluster[];
  private readonly spec: CrunchyDatabaseSpec;

  constructor(scope: Construct, id: string, props: EngineProps<ResolvedDatabase<CrunchyDatabaseSpec>>) {
    super(scope, id);
    const db = props.database;
    const spec = db.spec;
    this.spec = spec;

    const cloud = spec.backups.repos.filter((r) => !r.volume);
    const credentials = cloud.length
      ? new RepoCredentials(this, 'RepoCredentials', { database: db.name, namespace: db.namespace, repos: cloud, vault: props.stack.vault })
      : undefined;

    const manual = spec.backups.manual;
    const manualOn = manual ? (manual.generation ?? db.serving.name) : undefined;
    this.clusters = db.generations.map(
      (gen) =>
        new CrunchyCluster(this, gen.name, {
          spec,
          database: db.name,
          namespace: db.namespace,
          generation: gen,
          generationSpec: generationSpecOf(db, gen),
          repoCredentialsSecret: credentials?.secretName,
          manualBackup:
            manual && manualOn === gen.name
              ? { id: manual.id, type: manual.type, repoName: manual.repoName ?? spec.backups.repos[0].name }
              : undefined,
        }),
    );

    if (spec.drill) new CrunchyDrill(this, 'Drill', { database: db, stack: props.stack, repoCredentialsSecret: credentials?.secretName });

    if (spec.networkPolicy) {
      new CrunchyNetworkPolicy(this, 'NetworkPolicy', { database: db.name, namespace: db.namespace, clients: spec.networkPolicy.clients });
    }
  }

  /** PGO writes `<cluster>-pguser-<user>` with a ready `uri` (for the user's first database); its pg_hba wants TLS. */
  public connection(generation: ResolvedGeneration, user?: string): Connection {
    return { secretName: userSecretName(generation.name, user ?? consumerUser(this.spec)), uriKey: 'uri', sslmode: 'require' };
  }
}
