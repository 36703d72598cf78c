/** Stack schema of a Patroni database (engine `patroni`). Placeholder until the engine is built. */
import { z } from 'zod';
import { databaseBase, generationBase, storage } from './common';

const patroniGeneration = z.object({ ...generationBase(['backupFile', 'time', 'latest'], { upgradeFrom: true }) }).strict();

export const patroniDatabase = z
  .object({
    ...databaseBase,
    engine: z.literal('patroni'),
    /** @default - one generation named after the database */
    generations: z.array(patroniGeneration).min(1).optional(),
    storage,
  })
  .strict();

export type PatroniDatabaseSpec = z.output<typeof patroniDatabase>;
