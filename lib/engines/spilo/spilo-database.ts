import { Construct } from 'constructs';
import { ConfigError, type ConfigIssue } from '../../config/config-error';
import type { SpiloDatabaseSpec } from '../../config/schema/spilo';
import type { StackSpec } from '../../config/stack-spec';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { generationsOf } from '../../model/resolve';
import { spiloWalPrefix } from '../../model/spilo-model';
import type { Connection } from '../../secrets/connection';
import type { DatabaseEngine, EngineProps } from '../engine';
import { PASSWORD_KEYS, POSTGRES_PORT } from './patroni-chart';
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
    SpiloDatabase.checkPrefixesAcrossDatabases(db, props.stack);
    this.releases = db.generations.map(
      (gen) =>
        new SpiloRelease(this, gen.name, {
          spec: db.spec,
          namespace: db.namespace,
          generation: gen,
          source: gen.bootstrap.source ? db.generations.find((g) => g.name === gen.bootstrap.source) : undefined,
        }),
    );
  }

  /**
   * The chart's Secret `<scope>` holds the passwords (no URI), its Service `<scope>` follows the
   * Patroni leader: consumers get a URI assembled from those.
   */
  public connection(generation: ResolvedGeneration): Connection {
    const spec = this.database.spec;
    return {
      secretName: generation.name,
      parts: {
        user: { value: spec.consumerUser },
        passwordKey: PASSWORD_KEYS[spec.consumerUser],
        host: `${generation.name}.${this.database.namespace}.svc`,
        port: POSTGRES_PORT,
        database: spec.database,
      },
    };
  }

  /** Two databases of a stack archiving to one prefix would mix their WAL histories. */
  private static checkPrefixesAcrossDatabases(db: ResolvedDatabase<SpiloDatabaseSpec>, stack: StackSpec): void {
    const issues: ConfigIssue[] = [];
    const mine = db.generations.map((g) => ({ g, prefix: spiloWalPrefix(db.spec, g) }));
    stack.databases.forEach((other) => {
      if (other.engine !== 'spilo' || other.name === db.name || other.backup?.bucket === undefined) return;
      const explicit = other.generations !== undefined;
      generationsOf(other).forEach((g, gi) => {
        if (other.retired.includes(g.name)) return;
        const prefix = spiloWalPrefix(other, { name: g.name, index: explicit ? gi : -1 });
        for (const m of mine.filter((x) => x.prefix === prefix)) {
          issues.push({
            path: m.g.index >= 0 ? `${db.path}.generations[${m.g.index}].backupLocation` : `${db.path}.backup.location`,
            value: prefix,
            allowed: `a WAL prefix no other database uses (${other.name}/${g.name} archives there)`,
            fix: 'give one of them another backup.location or backupLocation',
          });
        }
      });
    });
    if (issues.length) throw new ConfigError(stack.source, issues);
  }
}
