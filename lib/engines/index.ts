import type { EngineName } from '../config/schema/stack';
import { CnpgDatabase } from './cnpg/cnpg-database';
import type { EngineConstructor } from './engine';

/** The construct that renders each engine. Engines not built yet are undefined. */
export const ENGINE_CONSTRUCTS: Record<EngineName, EngineConstructor | undefined> = {
  cnpg: CnpgDatabase,
  crunchy: undefined,
  spilo: undefined,
  patroni: undefined,
  standalone: undefined,
};
