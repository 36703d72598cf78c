/**
 * The declarative form in which each engine says what a change to its objects does. `pgfleet
 * diff` matches every changed field of every object against these rules; `pgfleet plan` prints
 * the steps of the rules that matched, in dependency order.
 */

/** What a change does to the database, from harmless to dangerous. */
export type ChangeClass = 'no-op' | 'safe' | 'restart' | 'downtime' | 'new-cluster' | 'destroys-data' | 'irreversible';

export interface ChangeRule {
  /** `apiVersion kind` the rule applies to, e.g. `postgresql.cnpg.io/v1 Cluster`, `apps/v1 StatefulSet`. */
  readonly kind: string;
  /**
   * Field path in the manifest, matched as a prefix at segment boundaries: `spec.bootstrap`,
   * `spec.imageCatalogRef.major`, `metadata.annotations.postgres-operator.crunchydata.com/pgbackrest-restore`,
   * `spec.template.spec.containers[*].env[*]` ([*] matches any index). `''` is the whole object
   * (with `on: added` / `removed`).
   */
  readonly path: string;
  /** Which kind of change the rule is about. @default any */
  readonly on?: 'added' | 'removed' | 'changed' | 'any';
  /** Further condition on the old and new values (undefined when absent), e.g. "number went up". @default - always */
  readonly when?: (before: unknown, after: unknown) => boolean;
  readonly class: ChangeClass;
  /** One line saying why, shown next to the change. */
  readonly why: string;
  /**
   * Runbook steps for `pgfleet plan` when the rule matches: what to wait for and how to check it,
   * what stays manual, the follow-up config change. @default []
   */
  readonly steps?: readonly string[];
}
