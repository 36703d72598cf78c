import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

export interface CrunchyNetworkPolicyProps {
  /** Database name: the policy is `<database>-postgres` and selects pods labelled `pgfleet.io/database: <database>`. */
  readonly database: string;
  readonly namespace: string;
  /** Label sets of pods allowed to connect on the PostgreSQL port. */
  readonly clients: readonly Readonly<Record<string, string>>[];
  /** @default 5432 */
  readonly port?: number;
}

/**
 * Admits connections to every generation of a database only from its own pods and its clients.
 *
 * It selects the pods by the `pgfleet.io/database` label PGO copies from `spec.metadata` onto
 * every pod of every generation (instances, repo host, backup and restore Jobs), so one policy
 * covers all generations and adding a generation does not change it. Traffic between those pods
 * stays open on all ports: replication and Patroni between instances, and the pgBackRest TLS
 * server of a volume repository, which a new generation's restore Job reads from the source's repo
 * host. PGO itself reaches the pods through the API server (exec), not the pod network. Egress is
 * left open: cloud repositories live outside the cluster.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class CrunchyNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: CrunchyNetworkPolicyProps) {
    super(scope, id);
    const own = { matchLabels: { 'pgfleet.io/database': props.database } };
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: `${props.database}-postgres`, namespace: props.namespace },
      spec: {
        podSelector: own,
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ podSelector: own }] },
          {
            from: props.clients.map((labels) => ({ podSelector: { matchLabels: { ...labels } } })),
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(props.port ?? 5432) }],
          },
        ],
      },
    });
  }
}
