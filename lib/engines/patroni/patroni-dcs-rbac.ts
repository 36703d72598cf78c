import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';

export interface PatroniDcsRbacProps {
  /** Name of the ServiceAccount, Role and RoleBinding (the Patroni scope). */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/**
 * The rights Patroni's Kubernetes DCS needs, as the upstream `kubernetes/patroni_k8s.yaml`
 * grants them: leader/config/failover ConfigMaps, Endpoints (when `use_endpoints` is on), its
 * member pods (role labels, member annotations), and creating the `<scope>-config` Service that
 * keeps a config Endpoints object from being cleaned up. `delete` is there for `patronictl remove`.
 *
 * @see https://github.com/patroni/patroni/blob/master/kubernetes/patroni_k8s.yaml
 */
export class PatroniDcsRbac extends Construct {
  /** The Role's rules, in the order rendered. */
  public static readonly RULES: readonly k8s.PolicyRule[] = [
    { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'patch', 'update', 'watch', 'delete'] },
    { apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'patch', 'update', 'create', 'list', 'watch', 'delete'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'patch', 'update', 'watch'] },
    { apiGroups: [''], resources: ['services'], verbs: ['create'] },
  ];

  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: PatroniDcsRbacProps) {
    super(scope, id);
    const metadata = { name: props.name, namespace: props.namespace, labels: props.labels };
    this.serviceAccountName = props.name;
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });
    new k8s.KubeRole(this, 'Role', { metadata, rules: PatroniDcsRbac.RULES.map((r) => ({ ...r })) });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.name },
      subjects: [{ kind: 'ServiceAccount', name: props.name, namespace: props.namespace }],
    });
  }
}
