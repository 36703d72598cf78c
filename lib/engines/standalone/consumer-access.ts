import type { ConfigIssue } from '../../config/config-error';
import type { StandaloneDatabaseSpec } from './standalone-schema';
import type { ResolvedDatabase } from '../../model/resolved';

/** `ns {labels}` or `ns (every pod)`: a peer as the messages show it. */
function describePeer(namespace: string, labels: Record<string, string> | undefined): string {
  return labels
    ? `${namespace} {${Object.entries(labels)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}}`
    : `${namespace} (every pod)`;
}

/**
 * Every consumer must be admitted by the NetworkPolicy `<database>-server` (ServerNetworkPolicy),
 * which lets only pgfleet's Jobs, the writers and `network.allowFrom` reach port 5432: a consumer
 * it does not select would get its DATABASE_URL and then time out on every connection.
 *
 * A consumer runs in the database's namespace (its Secret is created there). It counts as
 * admitted by a writer of that namespace with its name, or by an `allowFrom` peer of that
 * namespace that selects every pod or has a label whose value is the app's name (`app: site`,
 * `app.kubernetes.io/name: site`): pod labels are not in the stack, so that is what can be checked.
 */
export function consumerAccessIssues(db: ResolvedDatabase<StandaloneDatabaseSpec>): ConfigIssue[] {
  const spec = db.spec;
  const ns = db.namespace;
  const writers = spec.writers ?? [];
  const peers = spec.network.allowFrom;
  const admitted = (app: string) =>
    writers.some((w) => w.namespace === ns && w.name === app) ||
    peers.some((p) => p.namespace === ns && (p.podLabels === undefined || Object.values(p.podLabels).includes(app)));
  const known = [
    ...writers.map((w) => `writer ${describePeer(w.namespace, w.selector ?? { app: w.name })}`),
    ...peers.map((p) => `allowFrom ${describePeer(p.namespace, p.podLabels)}`),
  ];
  const issues: ConfigIssue[] = [];
  spec.consumers.forEach((c, i) => {
    if (admitted(c.app)) return;
    issues.push({
      path: `${db.path}.consumers[${i}].app`,
      value: c.app,
      allowed: `a consumer the NetworkPolicy ${db.name}-server admits: on port 5432 it admits only pgfleet's Jobs, the writers and network.allowFrom (${known.join('; ') || 'none listed'}), and none of them selects ${c.app}'s pods in namespace ${ns}, where its Secret ${c.secretName} is`,
      fix: `add network.allowFrom: [{ namespace: ${ns}, podLabels: { app: ${c.app} } }] with the labels of ${c.app}'s pods (one of them valued ${c.app}), or list ${c.app} under writers if it writes`,
    });
  });
  return issues;
}
