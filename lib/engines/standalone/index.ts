import type { Engine } from '../engine';
import { standaloneDatabase } from './standalone-schema';
import { StandaloneDatabase } from './standalone-database';
import { standaloneModel } from './standalone-model';
import { standaloneChangeRules } from './standalone-rules';
import type { StandaloneDatabaseSpec } from './standalone-schema';

/** One PostgreSQL StatefulSet per generation with dump backups, blackbox or pg_dumpall (docs/standalone.md). */
export const standalone: Engine<StandaloneDatabaseSpec> = {
  name: 'standalone',
  schema: standaloneDatabase,
  ...standaloneModel,
  construct: StandaloneDatabase,
  rules: standaloneChangeRules,
};
