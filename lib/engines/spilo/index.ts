import type { Engine } from '../engine';
import { spiloDatabase } from './spilo-schema';
import { SpiloDatabase } from './spilo-database';
import { spiloModel } from './spilo-model';
import { spiloChangeRules, type SpiloReviewVars } from './spilo-rules';
import type { SpiloDatabaseSpec } from './spilo-schema';

/** The bcgov/cas-postgres Patroni chart: a Helm release of Spilo per generation, WAL-G to GCS (docs/spilo.md). */
export const spilo: Engine<SpiloDatabaseSpec, SpiloReviewVars> = {
  name: 'spilo',
  schema: spiloDatabase,
  ...spiloModel,
  construct: SpiloDatabase,
  rules: spiloChangeRules,
  // The SQL database the clone checks connect to (`database` is the fleet entry's name).
  reviewVars: (db) => ({ dbname: db.spec.database }),
};
