import type { Engine } from '../engine';
import { cnpgDatabase } from './cnpg-schema';
import { CnpgDatabase } from './cnpg-database';
import { cnpgModel } from './cnpg-model';
import { cnpgChangeRules } from './cnpg-rules';
import type { CnpgDatabaseSpec } from './cnpg-schema';

/** CloudNativePG: a Cluster per generation with Barman Cloud backups (docs/cnpg.md). */
export const cnpg: Engine<CnpgDatabaseSpec> = {
  name: 'cnpg',
  schema: cnpgDatabase,
  ...cnpgModel,
  construct: CnpgDatabase,
  rules: cnpgChangeRules,
};
