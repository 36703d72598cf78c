import type { ChangeRule } from '../../review/change-rules';

/** What changes to patroni objects do (read by `pgfleet diff` and `pgfleet plan`). */
export const patroniChangeRules: readonly ChangeRule[] = [];
