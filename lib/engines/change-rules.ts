import type { EngineName } from '../config/stack-schema';
import type { ChangeRule } from './change-rule';
import { cnpgChangeRules } from './cnpg/cnpg-rules';
import { crunchyChangeRules } from './crunchy/crunchy-rules';
import { patroniChangeRules } from './patroni/patroni-rules';
import { spiloChangeRules } from './spilo/spilo-rules';
import { standaloneChangeRules } from './standalone/standalone-rules';

/** Each engine's change rules; the diff reads them for the objects of that engine's databases. */
export const ENGINE_CHANGE_RULES: Record<EngineName, readonly ChangeRule[]> = {
  cnpg: cnpgChangeRules,
  crunchy: crunchyChangeRules,
  spilo: spiloChangeRules,
  patroni: patroniChangeRules,
  standalone: standaloneChangeRules,
};
