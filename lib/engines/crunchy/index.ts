import type { Engine } from '../engine';
import { checkCrunchyMigrationTarget, crunchyImporterPods, crunchyMigrationJob } from './crunchy-migration';
import { type CrunchyFacts, crunchyFactsSchema, crunchyStateFormat1 } from './crunchy-facts';
import { crunchyDatabase } from './crunchy-schema';
import { CrunchyDatabase } from './crunchy-database';
import { crunchyModel } from './crunchy-model';
import { crunchyChangeRules } from './crunchy-rules';
import type { CrunchyDatabaseSpec } from './crunchy-schema';

/** Crunchy PGO v5 (v1beta1): a PostgresCluster per generation with pgBackRest repositories (docs/crunchy.md). */
export const crunchy: Engine<CrunchyDatabaseSpec, CrunchyFacts> = {
  name: 'crunchy',
  schema: crunchyDatabase,
  factsSchema: crunchyFactsSchema,
  stateFormat1: crunchyStateFormat1,
  ...crunchyModel,
  // Engine migration: PGO has no logical import, so generations of other engines are filled by a dump Job.
  migrationMethods: ['dump'],
  importerPods: (db, gen) => crunchyImporterPods(db.name, gen.name),
  checkMigrationTarget: checkCrunchyMigrationTarget,
  renderMigration: crunchyMigrationJob,
  construct: CrunchyDatabase,
  rules: crunchyChangeRules,
};
