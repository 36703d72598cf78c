import type { Engine } from '../engine';
import { cnpgDatabase } from './cnpg-schema';
import { CnpgDatabase } from './cnpg-database';
import { cnpgModel } from './cnpg-model';
import { cnpgChangeRules } from './cnpg-rules';
import { cnpgImporterPods } from './cnpg-import';
import { cnpgImportRules } from './cnpg-import-rules';
import type { CnpgDatabaseSpec } from './cnpg-schema';

/** CloudNativePG: a Cluster per generation with Barman Cloud backups (docs/cnpg.md). */
export const cnpg: Engine<CnpgDatabaseSpec> = {
  name: 'cnpg',
  schema: cnpgDatabase,
  ...cnpgModel,
  // Engine migration: generations of other engines are copied in with CloudNativePG's own import.
  migrationMethods: ['import'],
  importerPods: (_db, gen) => cnpgImporterPods(gen.name),
  construct: CnpgDatabase,
  rules: [...cnpgImportRules, ...cnpgChangeRules],
};
