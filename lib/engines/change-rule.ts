/**
 * The declarative form in which each engine says what a change to its objects does. `pgfleet
 * diff` matches every changed field of every object against these rules; `pgfleet plan` prints
 * the steps of the rules that matched, in dependency order.
 *
 * Matching (lib/review/classify.ts): for each changed field, among the rules whose `path` is a
 * prefix of the field's path and whose `on` and `when` hold, the longest path wins, and among
 * rules on that same path the first one listed (so put a rule with a `when` before its
 * catch-all). Fields under one winning rule form one change. Engine rules are tried before the
 * generic ones (lib/review/generic-rules.ts); a field no rule matches is `safe` on objects that
 * hold no data and `restart` ("no rule: review by hand") on data-bearing ones.
 *
 * Texts are functions of the change's typed variables (RuleVars), so a misspelt variable is a
 * type error; each runbook step declares its plan section (`step.wait(...)`, `step.check(...)`).
 */
import type { GenerationState } from '../config/stack-state';

/** What a change does to the database, from harmless to dangerous. */
export type ChangeClass = 'no-op' | 'safe' | 'restart' | 'downtime' | 'new-cluster' | 'destroys-data' | 'irreversible';

/** Classes in order of severity; `pgfleet diff` gates the last two. */
export const CHANGE_CLASSES: readonly ChangeClass[] = [
  'no-op',
  'safe',
  'restart',
  'downtime',
  'new-cluster',
  'destroys-data',
  'irreversible',
];

/** Classes that need an acknowledgement in the stack (`acknowledge: ["<class>:<generation>"]`). */
export const GATED_CLASSES: readonly ChangeClass[] = ['destroys-data', 'irreversible'];

/** What a rule's `when` may look at besides the two values. */
export interface ChangeContext {
  /** The whole manifest before the change (undefined when the object is added). */
  readonly before?: Readonly<Record<string, any>>;
  /** The whole manifest after the change (undefined when the object is removed). */
  readonly after?: Readonly<Record<string, any>>;
  /**
   * The generation the object belongs to: its data-bearing mark, else the `pgfleet.io/generation`
   * label, else the generation whose name is the object's name or a `-`-prefix of it.
   */
  readonly generation?: string;
  /** True when the object holds a generation's data (`DataBearing.mark`). */
  readonly dataBearing: boolean;
  /** The generation did not exist before this change (a new cluster). */
  readonly newGeneration: boolean;
  /** The stack retires the generation in this change. */
  readonly retiring: boolean;
  /** The generation's recorded state (pgfleet-state.json) before and after. */
  readonly state: { readonly before?: GenerationState; readonly after?: GenerationState };
  /** The database's serving generation before and after. */
  readonly serving: { readonly before?: string; readonly after?: string };
}

/**
 * What a rule's texts (`why`, `plus`, `steps`) are built from: the changed object, its database and
 * generation, and the values at the rule's path. A value the object may lack is optional, and a
 * text that uses it says what to show instead, e.g. `${v.generation ?? '<generation>'}` (a blank
 * for the reader, like the `<n>` in a command).
 */
export interface RuleVars<E extends object = object> {
  /** The object's `metadata.name`. */
  readonly name: string;
  /** The object's namespace, else its database's; `''` when neither is known. */
  readonly namespace: string;
  /** The object's kind, e.g. `Cluster`. */
  readonly kind: string;
  /** The stack, e.g. `indigo-prod`. */
  readonly stack: string;
  /** The generation the object belongs to (ChangeContext.generation). */
  readonly generation?: string;
  /** The fleet entry (`pgfleet:databases[]` name) the object belongs to. */
  readonly database?: string;
  /** The values at the rule's path before and after, as the review shows them (`(absent)`). */
  readonly before: string;
  readonly after: string;
  /** How the generation starts, from its state: `initdb`, `restore from x (time …)`, `upgrade from x`. */
  readonly bootstrap?: string;
  /** The generation a restore or upgrade of this generation reads. */
  readonly source?: string;
  /** A restore's recovery target, e.g. `2026-11-21T09:30:00+01:00`. */
  readonly target?: string;
  /** The database's serving generation after and before the change. */
  readonly serving?: string;
  readonly servingBefore?: string;
  /**
   * The engine's own variables (Engine.reviewVars); absent when the object's database has left
   * the stack.
   */
  readonly engine?: E;
}

/** A rule text: built from the variables of the change it describes. */
export type RuleText<E extends object = object> = (v: RuleVars<E>) => string;

/**
 * The sections of a `pgfleet plan`: before `pulumi up`, waiting after it, checks, manual work,
 * the next config change.
 */
export type PlanSection = 'before' | 'wait' | 'check' | 'manual' | 'follow-up';

/** One runbook step of a rule: its section of the plan and its text. */
/** A step's text; several texts make several plan lines (e.g. the steps a stack lists), none makes none. */
export type RuleStepText<E extends object = object> = (v: RuleVars<E>) => string | readonly string[];

export interface RuleStep<E extends object = object> {
  readonly section: PlanSection;
  readonly text: RuleStepText<E>;
}

const inSection =
  (section: PlanSection) =>
  <E extends object = object>(text: RuleStepText<E>): RuleStep<E> => ({ section, text });

/** Constructors of rule steps, one per plan section, e.g. `step.wait((v) => ...)`. */
export const step = {
  before: inSection('before'),
  wait: inSection('wait'),
  check: inSection('check'),
  manual: inSection('manual'),
  followUp: inSection('follow-up'),
} as const;

/** A change rule; `E` is the type of its engine's own variables (`RuleVars.engine`), e.g. Spilo's `dbname`. */
export interface ChangeRule<E extends object = object> {
  /**
   * `apiVersion kind` the rule applies to, e.g. `postgresql.cnpg.io/v1 Cluster`, `apps/v1 StatefulSet`.
   * Helm values files (`helmrelease-<name>.values.yaml`) are objects of kind `pgfleet.io/v1 HelmValues`
   * whose paths are the values' own (`env.PGVERSION`), with the chart under `@chart`
   * (`@chart.version`). `*` matches every kind (generic rules).
   */
  readonly kind: string;
  /**
   * Field path in the manifest, matched as a prefix at segment boundaries: `spec.bootstrap`,
   * `spec.imageCatalogRef.major`, `metadata.annotations.postgres-operator.crunchydata.com/pgbackrest-restore`,
   * `spec.template.spec.containers[*].env[*]` ([*] matches any element, [2] the third, and
   * [name=PGVERSION] the element whose `name` is PGVERSION: lists whose elements all have a
   * distinct `name` are compared by name, so inserting one does not shift the others).
   * `''` is the whole object (with `on: added` / `removed`).
   */
  readonly path: string;
  /** Which kind of change the rule is about, judged at `path`. @default any */
  readonly on?: 'added' | 'removed' | 'changed' | 'any';
  /**
   * Further condition on the old and new values at `path` (undefined when absent), e.g. "number
   * went up"; `context` tells about the object and its generation. @default - always
   */
  readonly when?: (before: unknown, after: unknown, context: ChangeContext) => boolean;
  /** Only objects that hold a generation's data (true) or only those that do not (false). @default - any object */
  readonly dataBearing?: boolean;
  readonly class: ChangeClass;
  /**
   * Further consequences of the same change, each with its class, e.g. a major upgrade is
   * `irreversible` plus `downtime`. @default []
   */
  readonly plus?: readonly { readonly class: ChangeClass; readonly why: RuleText<E> }[];
  /** One line saying why, shown next to the change, built from the change's variables. */
  readonly why: RuleText<E>;
  /**
   * Runbook steps for `pgfleet plan` when the rule matches, each in its section of the plan: what
   * to do before `pulumi up`, what to wait for after it, how to check it, what stays manual, the
   * follow-up config change. Made with `step.before(...)`, `step.wait(...)` and so on. @default []
   */
  readonly steps?: readonly RuleStep<E>[];
  /**
   * The downtime this change starts outlasts it: a phased operation ends it with a follow-up change
   * (e.g. PGO's `shutdown: true` until the upgrade's `complete` phase). The plan then keeps the
   * maintenance page up. @default false
   */
  readonly outageContinues?: boolean;
}
