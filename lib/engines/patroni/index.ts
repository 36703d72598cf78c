import type { Engine } from '../engine';
import { type PatroniFacts, patroniFactsSchema, patroniStateFormat1 } from './patroni-facts';
import { patroniDatabase } from './patroni-schema';
import { PatroniDatabase } from './patroni-database';
import { patroniMigrationSource } from './patroni-migration';
import { patroniModel } from './patroni-model';
import { patroniChangeRules } from './patroni-rules';
import type { PatroniDatabaseSpec } from './patroni-schema';

/** A Patroni StatefulSet per generation with BCDevOps backup-container dumps (docs/patroni.md). */
export const patroni: Engine<PatroniDatabaseSpec, PatroniFacts> = {
  name: 'patroni',
  schema: patroniDatabase,
  factsSchema: patroniFactsSchema,
  stateFormat1: patroniStateFormat1,
  ...patroniModel,
  // Engine migration: how another engine's importer reads one of its generations.
  migrationSource: patroniMigrationSource,
  construct: PatroniDatabase,
  rules: patroniChangeRules,
};
