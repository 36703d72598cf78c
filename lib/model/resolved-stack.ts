import type { StackSpec } from '../config/stack-spec';
import type { ModelEngine } from './engine-model';
import type { DecommissionedDatabase, ResolvedDatabase } from './resolved';

/** A resolved stack and the engines it was resolved with (the layers after the model use more of them). */
export interface ResolvedStack<E extends ModelEngine = ModelEngine> {
  readonly spec: StackSpec;
  readonly databases: readonly ResolvedDatabase[];
  /** Databases whose every generation `decommission` retires: rendered as nothing. */
  readonly decommissioned: readonly DecommissionedDatabase[];
  readonly engines: readonly E[];
}
