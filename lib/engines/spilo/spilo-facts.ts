import { z } from 'zod';
import type { EngineStateSchema } from '../../config/stack-state';

/** What a Spilo generation records in the state file: where Patroni keeps its DCS keys, which may not flip under a running scope. */
export const spiloFactsSchema = z.object({ dcs: z.enum(['configmaps', 'endpoints']) }).strict();

export type SpiloFacts = z.output<typeof spiloFactsSchema>;

/** Format 1 recorded the same `dcs` value. */
export const spiloStateFormat1: NonNullable<EngineStateSchema<SpiloFacts>['stateFormat1']> = {
  facts: (extra) =>
    Object.keys(extra).length === 1 && (extra.dcs === 'configmaps' || extra.dcs === 'endpoints') ? { dcs: extra.dcs } : undefined,
};
