import type { ChangeRule } from '../../review/change-rules';

/** What changes to spilo objects do (read by `pgfleet diff` and `pgfleet plan`). */
export const spiloChangeRules: readonly ChangeRule[] = [];
