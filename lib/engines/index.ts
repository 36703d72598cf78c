import type { EngineName } from '../config/stack-schema';
import { CnpgDatabase } from './cnpg/cnpg-database';
import { CrunchyDatabase } from './crunchy/crunchy-database';
import type { EngineConstructor } from './engine';
import { PatroniDatabase } from './patroni/patroni-database';
import { SpiloDatabase } from './spilo/spilo-database';
import { StandaloneDatabase } from './standalone/standalone-database';

/** The construct that renders each engine. */
export const ENGINE_CONSTRUCTS: Record<EngineName, EngineConstructor> = {
  cnpg: CnpgDatabase,
  crunchy: CrunchyDatabase,
  spilo: SpiloDatabase,
  patroni: PatroniDatabase,
  standalone: StandaloneDatabase,
};
