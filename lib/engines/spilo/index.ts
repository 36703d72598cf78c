import type { Engine } from '../engine';
import { type SpiloFacts, spiloFactsSchema, spiloStateFormat1 } from './spilo-facts';
import { spiloDatabase } from './spilo-schema';
import { SpiloDatabase } from './spilo-database';
import { spiloMigrationSource } from './spilo-migration';
import { spiloModel } from './spilo-model';
import { spiloChangeRules, type SpiloReviewVars } from './spilo-rules';
import type { SpiloDatabaseSpec } from './spilo-schema';

/** The bcgov/cas-postgres Patroni chart: a Helm release of Spilo per generation, WAL-G to GCS (docs/spilo.md). */
export const spilo: Engine<SpiloDatabaseSpec, SpiloFacts, SpiloReviewVars> = {
  name: 'spilo',
  schema: spiloDatabase,
  factsSchema: spiloFactsSchema,
  stateFormat1: spiloStateFormat1,
  ...spiloModel,
  // Engine migration: how another engine's importer reads one of its generations.
  migrationSource: spiloMigrationSource,
  construct: SpiloDatabase,
  rules: spiloChangeRules,
  // The SQL database the clone checks connect to (`database` is the fleet entry's name).
  reviewVars: (db) => ({ dbname: db.spec.database }),
};
