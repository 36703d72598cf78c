import type { StackState } from './stack-state';
import type { StackConfig } from './stack-schema';

/** A parsed, defaulted and frozen stack: everything the rest of pgfleet reads. */
export interface StackSpec extends StackConfig {
  /** Stack name, e.g. `indigo-prod` (from `Pulumi.<name>.yaml`). */
  readonly stack: string;
  /** Where it came from, for messages. */
  readonly source: string;
  /** Environment, defaulted from the stack name. */
  readonly environment: string;
  /** What the last synth recorded for this stack (transition checks), if any. */
  readonly previous?: StackState;
}

/** Freezes a parsed value deeply: specs are read-only from here on. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
