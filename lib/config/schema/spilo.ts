/** Stack schema of a Spilo database (engine `spilo`). Placeholder until the engine is built. */
import { z } from 'zod';
import { databaseBase, generationBase, storage } from './common';

const spiloGeneration = z.object({ ...generationBase(['time', 'latest'], { upgradeFrom: true }) }).strict();

export const spiloDatabase = z
  .object({
    ...databaseBase,
    engine: z.literal('spilo'),
    /** @default - one generation named after the database */
    generations: z.array(spiloGeneration).min(1).optional(),
    storage,
  })
  .strict();

export type SpiloDatabaseSpec = z.output<typeof spiloDatabase>;
