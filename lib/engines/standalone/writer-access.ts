import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { WriterSpec } from './standalone-schema';

export interface WriterAccessProps {
  /** Name of the ServiceAccount (database namespace) and of the Roles and RoleBindings (writers' namespaces). */
  readonly name: string;
  readonly namespace: string;
  readonly writers: readonly WriterSpec[];
}

/**
 * What the scale Jobs may do, and nothing more: in each writer namespace a Role limited to the
 * listed Deployments (get/watch, scale) plus reading pods there (get/list/watch), which
 * `kubectl wait --for=delete pod --selector` needs to see the writers' last pods go (RBAC cannot
 * narrow pods by label, so reading is all it gets: it can delete no pod). The ServiceAccount
 * lives in the database's namespace.
 */
export class WriterAccess extends Construct {
  public readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: WriterAccessProps) {
    super(scope, id);
    this.serviceAccountName = props.name;
    const sa = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.name, namespace: props.namespace },
      automountServiceAccountToken: false,
    });
    const namespaces = [...new Set(props.writers.map((w) => w.namespace))].sort();
    for (const ns of namespaces) {
      const names = props.writers
        .filter((w) => w.namespace === ns)
        .map((w) => w.name)
        .sort();
      // Role names carry the namespace: two Roles of the same name would render to one file.
      const metadata = { name: `${props.name}-${ns}`, namespace: ns };
      const role = new k8s.KubeRole(this, `Role-${ns}`, {
        metadata,
        rules: [
          { apiGroups: ['apps'], resources: ['deployments'], resourceNames: names, verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: names, verbs: ['get', 'patch', 'update'] },
          { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
        ],
      });
      const binding = new k8s.KubeRoleBinding(this, `RoleBinding-${ns}`, {
        metadata,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: metadata.name },
        subjects: [{ kind: 'ServiceAccount', name: props.name, namespace: props.namespace }],
      });
      binding.node.addDependency(role, sa);
    }
  }
}
