import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { PATRONI_API_PORT, patroniPodLabels, POSTGRES_PORT } from './spilo-chart';

export interface SpiloNetworkPolicyProps {
  /** The generation (Patroni scope) whose pods the policy selects. */
  readonly scope: string;
  readonly namespace: string;
  /**
   * Pods that may connect on 5432, each entry a set of labels.
   * @default [] - every pod in the namespace
   */
  readonly allowFrom?: readonly Readonly<Record<string, string>>[];
}

/**
 * Ingress to one generation's Patroni pods: its own members on 5432 (replication) and 8008
 * (Patroni REST API), clients on 5432 only. The chart renders no NetworkPolicy. Egress stays open:
 * Spilo reaches the Kubernetes API (DCS) and GCS (WAL-G), whose addresses a policy cannot name.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class SpiloNetworkPolicy extends Construct {
  public readonly policyName: string;

  constructor(scope: Construct, id: string, props: SpiloNetworkPolicyProps) {
    super(scope, id);
    this.policyName = `${props.scope}-ingress`;
    const members = { podSelector: { matchLabels: patroniPodLabels(props.scope) } };
    const tcp = (port: number) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const clients = props.allowFrom ?? [];
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: this.policyName, namespace: props.namespace },
      spec: {
        podSelector: members.podSelector,
        policyTypes: ['Ingress'],
        ingress: [
          { from: [members], ports: [tcp(POSTGRES_PORT), tcp(PATRONI_API_PORT)] },
          {
            from: clients.length ? clients.map((l) => ({ podSelector: { matchLabels: { ...l } } })) : [{ podSelector: {} }],
            ports: [tcp(POSTGRES_PORT)],
          },
        ],
      },
    });
  }
}
