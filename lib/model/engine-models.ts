import type { EngineName } from '../config/schema/stack';
import { cnpgModel } from './cnpg-model';
import { crunchyModel } from './crunchy-model';
import type { EngineModel } from './engine-model';
import { patroniModel } from './patroni-model';
import { standaloneModel } from './standalone-model';
import { spiloModel } from './spilo-model';

/** One model per engine; an engine's file holds the rest of its knowledge. */
export const ENGINE_MODELS: Record<EngineName, EngineModel<any>> = {
  cnpg: cnpgModel,
  crunchy: crunchyModel,
  spilo: spiloModel,
  patroni: patroniModel,
  standalone: standaloneModel,
};
