/** Stack schema of a Standalone database (engine `standalone`). Placeholder until the engine is built. */
import { z } from 'zod';
import { databaseBase, generationBase, storage } from './common';

const standaloneGeneration = z.object({ ...generationBase(['backupFile', 'time', 'latest'], { upgradeFrom: true }) }).strict();

export const standaloneDatabase = z
  .object({
    ...databaseBase,
    engine: z.literal('standalone'),
    /** @default - one generation named after the database */
    generations: z.array(standaloneGeneration).min(1).optional(),
    storage,
  })
  .strict();

export type StandaloneDatabaseSpec = z.output<typeof standaloneDatabase>;
