/** Stack schema of a Crunchy database (engine `crunchy`). Placeholder until the engine is built. */
import { z } from 'zod';
import { databaseBase, generationBase, storage } from './common';

const crunchyGeneration = z.object({ ...generationBase(['time', 'lsn', 'name', 'latest']) }).strict();

export const crunchyDatabase = z
  .object({
    ...databaseBase,
    engine: z.literal('crunchy'),
    /** @default - one generation named after the database */
    generations: z.array(crunchyGeneration).min(1).optional(),
    storage,
  })
  .strict();

export type CrunchyDatabaseSpec = z.output<typeof crunchyDatabase>;
