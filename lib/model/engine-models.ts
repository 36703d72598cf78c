import type { EngineName } from '../config/schema/stack';
import { cnpgModel } from './cnpg-model';
import type { EngineModel } from './engine-model';

/** One model per engine; an engine's file holds the rest of its knowledge. */
export const ENGINE_MODELS: Record<EngineName, EngineModel<any>> = {
  cnpg: cnpgModel,
  crunchy: { upgrade: 'in-place' },
  spilo: { upgrade: 'new-generation' },
  patroni: { upgrade: 'new-generation' },
  standalone: { upgrade: 'new-generation' },
};
