import type { Engine } from '../engine';
import { crunchyDatabase } from './crunchy-schema';
import { CrunchyDatabase } from './crunchy-database';
import { crunchyModel } from './crunchy-model';
import { crunchyChangeRules } from './crunchy-rules';
import type { CrunchyDatabaseSpec } from './crunchy-schema';

/** Crunchy PGO v5 (v1beta1): a PostgresCluster per generation with pgBackRest repositories (docs/crunchy.md). */
export const crunchy: Engine<CrunchyDatabaseSpec> = {
  name: 'crunchy',
  schema: crunchyDatabase,
  ...crunchyModel,
  construct: CrunchyDatabase,
  rules: crunchyChangeRules,
};
