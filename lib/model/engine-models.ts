import type { EngineName } from '../config/stack-schema';
import { cnpgModel } from '../engines/cnpg/cnpg-model';
import { crunchyModel } from '../engines/crunchy/crunchy-model';
import type { EngineModel } from '../engines/engine-model';
import { patroniModel } from '../engines/patroni/patroni-model';
import { standaloneModel } from '../engines/standalone/standalone-model';
import { spiloModel } from '../engines/spilo/spilo-model';

/** One model per engine; an engine's file holds the rest of its knowledge. */
export const ENGINE_MODELS: Record<EngineName, EngineModel<any>> = {
  cnpg: cnpgModel,
  crunchy: crunchyModel,
  spilo: spiloModel,
  patroni: patroniModel,
  standalone: standaloneModel,
};
