import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StandaloneDatabaseSpec } from './standalone-schema';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { DataBearing } from '../../constructs/data-bearing';
import type { Connection } from '../../constructs/connection';
import { objectStoreCredentials, type S3SecretRef } from '../../constructs/object-store-credentials';
import type { DatabaseEngine, EngineProps } from '../engine';
import { BlackboxBackup } from './blackbox-backup';
import { backupClaim } from './backup-claim';
import { DumpBackup } from './dump-backup';
import { appServiceName, jobName, POSTGRES_PORT } from './standalone-names';
import { ServerNetworkPolicy } from './server-network-policy';
import { StandaloneDrill } from './standalone-drill';
import { StandaloneRestore } from './standalone-restore';
import { StandaloneServer } from './standalone-server';
import { StandaloneUpgrade } from './standalone-upgrade';
import { ScaleWritersJob } from './scale-writers-job';
import { standaloneMigrationJob } from './standalone-migration-job';
import { superuserCredentials } from './superuser-secret';

/**
 * A standalone PostgreSQL database (the python-discord seed): a `StandaloneServer` per live
 * generation, one application Service named after the database that selects the serving
 * generation's pod, nightly logical backups (blackbox or pgfleet's dump CronJobs), and for a
 * generation created by `upgradeFrom` or `restoreFrom` the Jobs that fill it.
 *
 * Cutover is the `serving` field: it moves the Service's selector (after the new server's
 * import when both happen in one change) and, for an upgraded generation, scales the writers
 * back to their replicas once the Service points at the new server.
 */
export class StandaloneDatabase extends Construct implements DatabaseEngine {
  public readonly servers: ReadonlyMap<string, StandaloneServer>;
  public readonly service: k8s.KubeService;

  private readonly db: ResolvedDatabase<StandaloneDatabaseSpec>;

  constructor(scope: Construct, id: string, props: EngineProps<ResolvedDatabase<StandaloneDatabaseSpec>>) {
    super(scope, id);
    const db = props.database;
    this.db = db;
    const spec = db.spec;
    const ns = db.namespace;

    superuserCredentials(this, 'Superuser', { spec, database: db.name, namespace: ns, vault: props.stack.vault });

    const servers = new Map<string, StandaloneServer>();
    for (const gen of db.generations) {
      servers.set(gen.name, new StandaloneServer(this, gen.name, { spec, database: db.name, namespace: ns, generation: gen }));
    }
    this.servers = servers;

    new ServerNetworkPolicy(this, 'NetworkPolicy', { spec, database: db.name, namespace: ns });

    // Backups.
    const backup = spec.backup;
    let credentials: S3SecretRef | undefined;
    if (backup.method === 'blackbox') {
      const blackbox = new BlackboxBackup(this, 'Blackbox', { spec, backup, database: db.name, namespace: ns, vault: props.stack.vault });
      // A restore downloads from the first storage target.
      credentials = blackbox.credentials.get(backup.storage[0].id);
    } else {
      if ('s3' in backup.target) {
        credentials = objectStoreCredentials(this, 'BackupCredentials', {
          credentials: backup.target.s3.credentials,
          name: `${db.name}-backup-creds`,
          namespace: ns,
          vault: props.stack.vault,
        });
      }
      for (const gen of db.generations) {
        const claim = backupClaim(this, `BackupClaim-${gen.name}`, { spec, backup, generation: gen.name, namespace: ns });
        if (claim) DataBearing.mark(claim, gen.name);
        const cron = new DumpBackup(this, `Backup-${gen.name}`, {
          spec,
          backup,
          database: db.name,
          namespace: ns,
          generation: gen,
          credentials,
        }).cronJob;
        if (claim) cron.node.addDependency(claim);
      }
    }

    if (spec.drill) new StandaloneDrill(this, 'Drill', { database: db, stack: props.stack, backupCredentials: credentials });

    // Generations created from another one.
    const fills = new Map<string, k8s.KubeJob>();
    const upgrades = new Map<string, StandaloneUpgrade>();
    for (const gen of db.generations) {
      if (gen.bootstrap.kind === 'migrate') {
        // Copied from another engine's generation (engine migration), once the new server runs.
        const job = standaloneMigrationJob(this, { spec, database: db.name, namespace: ns, generation: gen });
        job.node.addDependency(servers.get(gen.name)!);
        fills.set(gen.name, job);
        continue;
      }
      const source = db.generations.find((g) => g.name === gen.bootstrap.source);
      if (!source) continue;
      const server = servers.get(gen.name)!;
      if (gen.bootstrap.kind === 'upgrade') {
        const u = new StandaloneUpgrade(this, `Upgrade-${gen.name}`, {
          spec,
          database: db.name,
          namespace: ns,
          generation: gen,
          source,
          server,
        });
        upgrades.set(gen.name, u);
        fills.set(gen.name, u.importJob);
      } else if (gen.bootstrap.kind === 'restore') {
        fills.set(
          gen.name,
          new StandaloneRestore(this, `Restore-${gen.name}`, {
            spec,
            backup,
            database: db.name,
            namespace: ns,
            generation: gen,
            source,
            server,
            credentials,
          }).importJob,
        );
      }
    }

    // The application Service: a stable name, the serving generation's pod behind it.
    const serving = servers.get(db.serving.name)!;
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: { name: appServiceName(db.name), namespace: ns, annotations: { 'pgfleet.io/serving': db.serving.name } },
      spec: {
        type: 'ClusterIP',
        selector: serving.podLabels,
        ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString('postgres') }],
      },
    });
    const fill = fills.get(db.serving.name);
    // Cutting over in the same change as the upgrade: the Service moves only after a successful import.
    if (fill) this.service.node.addDependency(fill);

    // Cutover of an upgraded generation: writers back to their replicas, after the Service moved.
    const upgrade = upgrades.get(db.serving.name);
    if (upgrade?.access && spec.writers?.length) {
      const up = new ScaleWritersJob(this, 'WritersUp', {
        name: jobName.writersUp(db.serving.name),
        namespace: ns,
        database: db.name,
        direction: 'up',
        writers: spec.writers,
        serviceAccountName: upgrade.access.serviceAccountName,
        image: spec.upgrade.kubectlImage,
        timeout: spec.upgrade.timeout,
        manualSteps: spec.upgrade.manualSteps.afterCutover,
      }).job;
      up.node.addDependency(this.service, upgrade.access);
    }
  }

  /**
   * Consumers connect through the application Service (so a cutover needs no Secret change),
   * with the application's login in `connection.secret` (the stack refuses consumers without one).
   */
  public connection(_generation: ResolvedGeneration): Connection {
    const spec = this.db.spec;
    const secret = spec.connection.secret;
    if (!secret) throw new Error(`${this.db.name}: consumers without connection.secret (checked in config)`);
    return {
      secretName: secret.name,
      // The postgres image serves TLS only with the `ssl` parameter on (and certificates provided for it).
      sslmode: /^(on|true|yes|1)$/i.test(String(spec.parameters.ssl ?? '').trim()) ? 'require' : 'disable',
      parts: {
        user: { key: secret.userKey },
        passwordKey: secret.passwordKey,
        host: `${appServiceName(this.db.name)}.${this.db.namespace}.svc`,
        port: POSTGRES_PORT,
        database: spec.connection.database,
      },
    };
  }
}
