import { Construct } from 'constructs';
import { backedUpDatabases, type PatroniDatabaseSpec } from './patroni-schema';
import { patroniNames } from './patroni-names';
import { dumpStamp, scaleTargetsOf } from './patroni-restore-schema';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { Connection } from '../../constructs/connection';
import { objectStoreCredentials } from '../../constructs/object-store-credentials';
import type { DatabaseEngine, EngineProps } from '../engine';
import { BackupSchedule } from './backup-schedule';
import { DumpRestoreJob, DumpSelection } from './dump-restore-job';
import { InPlaceRestore } from './in-place-restore';
import { PatroniCluster } from './patroni-cluster';
import { PatroniDrill } from './patroni-drill';
import { patroniCredentials, type PatroniSecret } from './patroni-credentials';
import { POSTGRES_PORT } from './patroni-env';

/**
 * A Patroni database (hcap's pattern): per live generation a `PatroniCluster` and its
 * `BackupSchedule`; a generation restored from another's dumps or upgraded from it gets, after
 * its cluster, a `DumpRestoreJob` per database. One-off backups and the acknowledged in-place
 * restore are rendered from the database's config. All generations share one credentials
 * Secret, so consumers cut over by host only.
 *
 * @see docs/patroni.md
 */
export class PatroniDatabase extends Construct implements DatabaseEngine {
  public readonly secret: PatroniSecret;
  public readonly clusters: ReadonlyMap<string, PatroniCluster>;
  public readonly schedules: ReadonlyMap<string, BackupSchedule>;
  private readonly db: ResolvedDatabase<PatroniDatabaseSpec>;

  constructor(scope: Construct, id: string, props: EngineProps<ResolvedDatabase<PatroniDatabaseSpec>>) {
    super(scope, id);
    const db = props.database;
    this.db = db;
    const spec = db.spec;
    const dbs = backedUpDatabases(spec);
    this.secret = patroniCredentials(this, 'Credentials', db, props.stack);

    const s3 = spec.backup.s3
      ? objectStoreCredentials(this, 'BackupCredentials', {
          credentials: spec.backup.s3.credentials,
          name: `${db.name}-backup-creds`,
          namespace: db.namespace,
          vault: props.stack.vault,
        })
      : undefined;

    const inPlace = spec.inPlaceRestore;
    const clusters = new Map<string, PatroniCluster>();
    const schedules = new Map<string, BackupSchedule>();
    for (const gen of db.generations) {
      const cluster = new PatroniCluster(this, gen.name, {
        spec,
        database: db.name,
        namespace: db.namespace,
        generation: gen,
        secret: this.secret,
      });
      clusters.set(gen.name, cluster);
      schedules.set(
        gen.name,
        new BackupSchedule(this, `${gen.name}-backup`, {
          spec,
          database: db.name,
          namespace: db.namespace,
          generation: gen.name,
          secret: this.secret,
          s3,
          suspend: inPlace?.generation === gen.name,
        }),
      );
    }
    this.clusters = clusters;
    this.schedules = schedules;

    for (const gen of db.generations) {
      const b = gen.bootstrap;
      if (b.kind === 'initdb') continue;
      const selection = b.kind === 'upgrade' ? DumpSelection.fresh() : this.selection(gen);
      for (const d of dbs) {
        const job = new DumpRestoreJob(this, `${gen.name}-${b.kind}-${d}`, {
          spec,
          database: db.name,
          namespace: db.namespace,
          name: b.kind === 'upgrade' ? patroniNames.upgradeJob(gen.name, d) : patroniNames.restoreJob(gen.name, d),
          kind: b.kind === 'upgrade' ? 'upgrade' : 'new-generation',
          source: b.source!,
          target: gen.name,
          sqlDatabase: d,
          selection,
          secret: this.secret,
        });
        // Load only into a running cluster: Pulumi waits for the StatefulSet to be ready.
        job.job.node.addDependency(clusters.get(gen.name)!);
      }
    }

    if (spec.drill) new PatroniDrill(this, 'Drill', { database: db });

    const onDemand = spec.backup.onDemand;
    if (onDemand) {
      const gen = onDemand.generation ?? db.serving.name;
      const schedule = schedules.get(gen);
      if (schedule) for (const d of dbs) schedule.job(this, `OnDemand-${d}`, patroniNames.onDemandJob(gen, d, onDemand.id), d);
    }

    if (inPlace && schedules.has(inPlace.generation)) {
      new InPlaceRestore(this, 'InPlaceRestore', {
        spec,
        database: db.name,
        namespace: db.namespace,
        schedule: schedules.get(inPlace.generation)!,
        scaleDown: scaleTargetsOf(inPlace, spec.consumers),
        secret: this.secret,
      });
    }
  }

  /** The credentials Secret and the generation's leader Service; the bcgov image serves no TLS. */
  public connection(generation: ResolvedGeneration): Connection {
    return {
      secretName: this.secret.secretName,
      sslmode: 'disable',
      parts: {
        user: { key: this.secret.keys.appUsername },
        passwordKey: this.secret.keys.appPassword,
        host: `${patroniNames.cluster(generation.name)}.${this.db.namespace}.svc`,
        port: POSTGRES_PORT,
        database: this.db.spec.database,
      },
    };
  }

  /** The dump a restored generation starts from. */
  private selection(gen: ResolvedGeneration): DumpSelection {
    const t = gen.bootstrap.target!;
    if (t.kind === 'backupFile') return DumpSelection.file(t.value!);
    if (t.kind === 'time') return DumpSelection.before(dumpStamp(t.time!, this.db.spec.backup.timeZone));
    return DumpSelection.latest();
  }
}
