import type { EngineName } from '../config/schema/stack';
import type { ChangeRule } from '../review/change-rules';
import { cnpgChangeRules } from './cnpg/cnpg-change-rules';
import { crunchyChangeRules } from './crunchy/crunchy-change-rules';
import { patroniChangeRules } from './patroni/patroni-change-rules';
import { spiloChangeRules } from './spilo/spilo-change-rules';
import { standaloneChangeRules } from './standalone/standalone-change-rules';

/** Each engine's change rules; the diff reads them for the objects of that engine's databases. */
export const ENGINE_CHANGE_RULES: Record<EngineName, readonly ChangeRule[]> = {
  cnpg: cnpgChangeRules,
  crunchy: crunchyChangeRules,
  spilo: spiloChangeRules,
  patroni: patroniChangeRules,
  standalone: standaloneChangeRules,
};
