import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StandaloneDatabaseSpec } from './standalone-schema';
import { CLIENT_LABEL, POSTGRES_PORT } from './standalone-names';

export interface ServerNetworkPolicyProps {
  readonly spec: StandaloneDatabaseSpec;
  readonly database: string;
  readonly namespace: string;
}

/**
 * Ingress to every server of the database (all generations) on 5432 only from: pgfleet's own
 * Jobs (pods labelled `pgfleet.io/client-of: <database>` in the namespace), the writers' pods in
 * their namespaces, and the `network.allowFrom` peers. One policy for all generations, so adding
 * or retiring a generation does not change it.
 */
export class ServerNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: ServerNetworkPolicyProps) {
    super(scope, id);
    const { spec, database, namespace } = props;
    const nsSelector = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
    const peers: k8s.NetworkPolicyPeer[] = [{ podSelector: { matchLabels: { [CLIENT_LABEL]: database } } }];
    const seen = new Set<string>();
    const add = (ns: string, labels?: Record<string, string>) => {
      const key = `${ns}|${JSON.stringify(labels ?? {})}`;
      if (seen.has(key)) return;
      seen.add(key);
      peers.push({ namespaceSelector: nsSelector(ns), ...(labels ? { podSelector: { matchLabels: { ...labels } } } : {}) });
    };
    for (const w of spec.writers ?? []) add(w.namespace, w.selector ?? { app: w.name });
    for (const p of spec.network.allowFrom) add(p.namespace, p.podLabels);

    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: `${database}-server`, namespace },
      spec: {
        podSelector: { matchLabels: { 'pgfleet.io/database': database, 'pgfleet.io/role': 'server' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: peers, ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(POSTGRES_PORT) }] }],
      },
    });
  }
}
