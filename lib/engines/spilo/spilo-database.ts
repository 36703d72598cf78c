import { Construct } from 'constructs';
import type { SpiloDatabaseSpec } from './spilo-schema';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import type { Connection } from '../../constructs/connection';
import type { DatabaseEngine, EngineProps } from '../engine';
import { PASSWORD_KEYS, POSTGRES_PORT } from './spilo-chart';
import { SpiloDrill } from './spilo-drill';
import { SpiloRelease } from './spilo-release';

/**
 * A Spilo database (bcgov/cas-postgres): one Patroni chart release per live generation. A
 * point-in-time recovery or a major upgrade adds a release with a new scope that clones the live
 * scope's WAL-G archive, instead of the seed runbook's "delete the live PVCs and ConfigMaps and
 * re-bootstrap in place"; the live release's values do not change.
 *
 * @see https://github.com/bcgov/cas-postgres#point-in-time-recovery
 */
export class SpiloDatabase extends Construct implements DatabaseEngine {
  public readonly releases: readonly SpiloRelease[];
  private readonly database: ResolvedDatabase<SpiloDatabaseSpec>;

  constructor(scope: Construct, id: string, props: EngineProps<ResolvedDatabase<SpiloDatabaseSpec>>) {
    super(scope, id);
    const db = props.database;
    this.database = db;
    this.releases = db.generations.map(
      (gen) =>
        new SpiloRelease(this, gen.name, {
          spec: db.spec,
          namespace: db.namespace,
          generation: gen,
          source: gen.bootstrap.source ? db.generations.find((g) => g.name === gen.bootstrap.source) : undefined,
        }),
    );
    if (db.spec.drill) new SpiloDrill(this, 'Drill', { database: db });
  }

  /**
   * The chart's Secret `<scope>` holds the passwords (no URI), its Service `<scope>` follows the
   * Patroni leader: consumers get a URI assembled from those. Spilo's pg_hba rejects connections
   * without TLS (`hostnossl all all all reject`) and its certificate is self-signed.
   */
  public connection(generation: ResolvedGeneration): Connection {
    const spec = this.database.spec;
    return {
      secretName: generation.name,
      sslmode: 'require',
      parts: {
        user: { value: spec.consumerUser },
        passwordKey: PASSWORD_KEYS[spec.consumerUser],
        host: `${generation.name}.${this.database.namespace}.svc`,
        port: POSTGRES_PORT,
        database: spec.database,
      },
    };
  }
}
