import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/** Annotation naming the generation an import policy admits the importer to (for the review). */
export const IMPORT_FROM_ANNOTATION = 'pgfleet.io/import-from';

export interface ImportNetworkPolicyProps {
  /** The generation being copied into (the policy's name is `<generation>-import`). */
  readonly generation: string;
  /** The generation copied from. */
  readonly source: string;
  readonly namespace: string;
  /** Labels of the source generation's PostgreSQL pods. */
  readonly sourcePods: Readonly<Record<string, string>>;
  /** Labels of the pods that read the source for the copy (the target's importer). */
  readonly importerPods: Readonly<Record<string, string>>;
  /** The port the source's PostgreSQL listens on. */
  readonly port: number;
}

/**
 * Admits the pods that copy a generation into another engine (engine migration) to the source's
 * PostgreSQL port. NetworkPolicies add up, so the source's own policy stays as it is: this one
 * only opens the port to the importer, for as long as the new generation has `migrateFrom`.
 * Rendered only for sources whose engine isolates its pods with a policy of its own; elsewhere a
 * policy selecting them would shut out everyone else.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class ImportNetworkPolicy extends Construct {
  public readonly policyName: string;

  constructor(scope: Construct, id: string, props: ImportNetworkPolicyProps) {
    super(scope, id);
    this.policyName = `${props.generation}-import`;
    new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: {
        name: this.policyName,
        namespace: props.namespace,
        labels: { 'pgfleet.io/generation': props.generation },
        annotations: { [IMPORT_FROM_ANNOTATION]: props.source },
      },
      spec: {
        podSelector: { matchLabels: { ...props.sourcePods } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { ...props.importerPods } } }],
            ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(props.port) }],
          },
        ],
      },
    });
  }
}
