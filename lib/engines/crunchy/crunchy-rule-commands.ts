/** The kind and kubectl commands the Crunchy PGO change rules share (crunchy-rules.ts, crunchy-upgrade-rules.ts). */
import { step, type RuleVars } from '../change-rule';

export const CLUSTER = 'postgres-operator.crunchydata.com/v1beta1 PostgresCluster';

/** Label selector of a cluster's pods and volumes, as PGO labels them. */
export const selector = (v: RuleVars) => `postgres-operator.crunchydata.com/cluster=${v.name}`;

/** The cluster's primary pod, as a shell substitution. */
export const primary = (v: RuleVars) =>
  `$(kubectl -n ${v.namespace} get pod -l ${selector(v)},postgres-operator.crunchydata.com/role=master -o name)`;

export const primaryUp = step.wait(
  (v) =>
    `the primary runs: \`kubectl -n ${v.namespace} get pods -l ${selector(v)},postgres-operator.crunchydata.com/role=master\` shows ` +
    `one pod Running and Ready`,
);
