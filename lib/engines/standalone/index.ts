import type { Engine } from '../engine';
import { type StandaloneFacts, standaloneFactsSchema, standaloneStateFormat1 } from './standalone-facts';
import { standaloneDatabase } from './standalone-schema';
import { StandaloneDatabase } from './standalone-database';
import { standaloneModel } from './standalone-model';
import { standaloneChangeRules, type StandaloneReviewVars } from './standalone-rules';
import type { StandaloneDatabaseSpec } from './standalone-schema';

/** One PostgreSQL StatefulSet per generation with dump backups, blackbox or pg_dumpall (docs/standalone.md). */
export const standalone: Engine<StandaloneDatabaseSpec, StandaloneFacts, StandaloneReviewVars> = {
  name: 'standalone',
  schema: standaloneDatabase,
  factsSchema: standaloneFactsSchema,
  stateFormat1: standaloneStateFormat1,
  ...standaloneModel,
  construct: StandaloneDatabase,
  rules: standaloneChangeRules,
  reviewVars: (db) => ({ beforeDump: db.spec.upgrade.manualSteps.beforeDump, afterCutover: db.spec.upgrade.manualSteps.afterCutover }),
};
