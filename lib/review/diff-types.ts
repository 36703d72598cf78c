/** What `pgfleet diff` computes: objects, databases and generations before and after, and the gate. */
import type { ChangeClass } from '../engines/change-rule';
import type { BootstrapState, GenerationState } from '../config/stack-state';
import type { Change } from './classify';

/** One object that is added, removed or changed, with its classified changes. */
export interface ObjectDiff {
  readonly file: string;
  readonly apiKind: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly database?: string;
  readonly generation?: string;
  readonly dataBearing: boolean;
  readonly op: 'added' | 'removed' | 'changed';
  readonly changes: readonly (Change & { readonly acknowledgements: readonly Acknowledgement[] })[];
  /** The most severe class of its changes. */
  readonly class: ChangeClass;
  /** Files this object is created after. */
  readonly dependsOn: readonly string[];
}

/** A generation of a database, before and after the change. */
export interface GenerationDiff {
  readonly name: string;
  readonly status: 'new' | 'retired' | 'kept';
  readonly before?: GenerationState;
  readonly after?: GenerationState;
  /** Config path of the live generation, e.g. `pgfleet:databases[0].generations[1]`. */
  readonly path?: string;
  /** How the live generation starts, and from which generation. */
  readonly bootstrap?: BootstrapState;
}

export interface DatabaseDiff {
  readonly name: string;
  readonly engine: string;
  readonly namespace: string;
  /** Config path of the database entry, e.g. `pgfleet:databases[0]`. */
  readonly path: string;
  readonly serving: { readonly before?: string; readonly after?: string };
  readonly generations: readonly GenerationDiff[];
  /** Applications wired to the serving generation. */
  readonly consumers: readonly { readonly app: string; readonly secretName: string }[];
  /** `decommission` before and after: while set, Pulumi protects no generation and the last may be retired. */
  readonly decommission: { readonly before: boolean; readonly after: boolean };
}

export interface StackDiff {
  readonly stack: string;
  /** Where the base came from, e.g. `HEAD:dist/indigo-prod`. */
  readonly base: string;
  readonly objects: readonly ObjectDiff[];
  readonly databases: readonly DatabaseDiff[];
  readonly gate: Gate;
}

export interface Acknowledgement {
  /** What to list in `acknowledge`, e.g. `irreversible:forgejo-db`. */
  readonly name: string;
  readonly class: ChangeClass;
  readonly database?: string;
  readonly acknowledged: boolean;
  /** How it was acknowledged. */
  readonly by?: 'acknowledge' | 'retired';
  /** The list to add it to, e.g. `pgfleet:databases[0].acknowledge`. */
  readonly configPath: string;
}

export interface Gate {
  /** True when every gated change is acknowledged. */
  readonly ok: boolean;
  /** Every gated change's acknowledgement, once per name. */
  readonly required: readonly Acknowledgement[];
  readonly missing: readonly Acknowledgement[];
  /**
   * `acknowledge` entries no change of this diff needs: left over from an applied change. They
   * would silently accept the next change of the same name, so the review asks to remove them.
   */
  readonly unused: readonly { readonly database: string; readonly name: string; readonly configPath: string }[];
}
