import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { patroniNames } from './patroni-names';
import { PATRONI_API_PORT, POSTGRES_PORT } from './patroni-env';

/** Label every backup-container pod of a database carries; the backup policy admits these. */
export const BACKUP_POD_LABEL = 'pgfleet.io/backup';

export interface PatroniNetworkPolicyProps {
  /** The generation (Patroni scope). */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Selector of the generation's member pods. */
  readonly memberSelector: Record<string, string>;
  /** The database name in the fleet (value of {@link BACKUP_POD_LABEL} on its backup pods). */
  readonly database: string;
  /** Other pods allowed to reach PostgreSQL (the consumers). */
  readonly clients: readonly { readonly matchLabels: Record<string, string> }[];
}

const tcp = (port: number): k8s.NetworkPolicyPort => ({ port: k8s.IntOrString.fromNumber(port), protocol: 'TCP' });

/**
 * Ingress to a generation's members, in two policies (policies add up):
 * - `<generation>`: the members reach each other (replication on 5432, Patroni's REST API on
 *   8008) and the declared clients reach 5432;
 * - `<generation>-backup`: only the database's backup-container pods (dump, verify, restore)
 *   reach 5432 — the backup-container template's policy, keyed on a pgfleet label.
 * Kubelet probes are exec probes and are not subject to either.
 */
export class PatroniNetworkPolicy extends Construct {
  constructor(scope: Construct, id: string, props: PatroniNetworkPolicyProps) {
    super(scope, id);
    const podSelector = { matchLabels: props.memberSelector };
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels },
      spec: {
        podSelector,
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ podSelector }], ports: [tcp(POSTGRES_PORT), tcp(PATRONI_API_PORT)] },
          ...(props.clients.length
            ? [{ from: props.clients.map((c) => ({ podSelector: { matchLabels: { ...c.matchLabels } } })), ports: [tcp(POSTGRES_PORT)] }]
            : []),
        ],
      },
    });
    new k8s.KubeNetworkPolicy(this, 'Backup', {
      metadata: { name: patroniNames.backupPolicy(props.name), namespace: props.namespace, labels: props.labels },
      spec: {
        podSelector,
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { [BACKUP_POD_LABEL]: props.database } } }], ports: [tcp(POSTGRES_PORT)] }],
      },
    });
  }
}
