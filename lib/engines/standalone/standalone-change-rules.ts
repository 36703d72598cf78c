import type { ChangeRule } from '../../review/change-rules';

/** What changes to standalone objects do (read by `pgfleet diff` and `pgfleet plan`). */
export const standaloneChangeRules: readonly ChangeRule[] = [];
