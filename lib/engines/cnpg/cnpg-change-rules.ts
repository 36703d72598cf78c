import type { ChangeRule } from '../../review/change-rules';

/** What changes to cnpg objects do (read by `pgfleet diff` and `pgfleet plan`). */
export const cnpgChangeRules: readonly ChangeRule[] = [];
