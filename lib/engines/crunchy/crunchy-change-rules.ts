import type { ChangeRule } from '../../review/change-rules';

/** What changes to crunchy objects do (read by `pgfleet diff` and `pgfleet plan`). */
export const crunchyChangeRules: readonly ChangeRule[] = [];
