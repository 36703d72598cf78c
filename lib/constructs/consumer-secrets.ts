import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import {
  ExternalSecret,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion,
} from '../../imports/eso-externalsecret-external-secrets.io';
import { SecretStore, SecretStoreSpecProviderKubernetesServerCaProviderType } from '../../imports/eso-secretstore-external-secrets.io';
import type { Connection } from './connection';

export interface ConsumerSpec {
  readonly app: string;
  readonly secretName: string;
  readonly key: string;
  /** The serving generation's connection for this consumer (its user). */
  readonly connection: Connection;
}

export interface ConsumerSecretsProps {
  /** Prefix of the store, its ServiceAccount and Role (`<name>-connections`). */
  readonly name: string;
  readonly namespace: string;
  /** Every live generation's connection Secrets: the Role may read only these. */
  readonly readableSecrets: readonly string[];
  readonly consumers: readonly ConsumerSpec[];
  /** How quickly a cutover reaches the application's Secret. @default 1m */
  readonly refreshInterval?: string;
}

/**
 * Gives each consumer a Secret of its own (e.g. key `DATABASE_URL`) that External Secrets keeps
 * equal to the serving generation's connection URI. It reads the operator's Secret through a
 * Kubernetes-provider `SecretStore` whose ServiceAccount may read only the connection Secrets,
 * so no credential passes through pgfleet or the repository. Cutover is a change of `serving`:
 * the ExternalSecret's `remoteRef.key` moves to the new generation's Secret. Every URI carries
 * the `sslmode` the server demands (`Connection.sslmode`).
 *
 * @see https://external-secrets.io/latest/provider/kubernetes/
 */
export class ConsumerSecrets extends Construct {
  public readonly storeName: string;

  constructor(scope: Construct, id: string, props: ConsumerSecretsProps) {
    super(scope, id);
    this.storeName = `${props.name}-connections`;
    const metadata = { name: this.storeName, namespace: props.namespace };

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });
    new k8s.KubeRole(this, 'Role', {
      metadata,
      rules: [
        { apiGroups: [''], resources: ['secrets'], resourceNames: [...props.readableSecrets].sort(), verbs: ['get', 'list', 'watch'] },
        // ESO checks the store's permissions with a self review before it reads.
        { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectrulesreviews'], verbs: ['create'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.storeName },
      subjects: [{ kind: 'ServiceAccount', name: this.storeName, namespace: props.namespace }],
    });
    new SecretStore(this, 'Resource', {
      metadata,
      spec: {
        provider: {
          kubernetes: {
            remoteNamespace: props.namespace,
            server: {
              caProvider: {
                type: SecretStoreSpecProviderKubernetesServerCaProviderType.CONFIG_MAP,
                name: 'kube-root-ca.crt',
                key: 'ca.crt',
              },
            },
            auth: { serviceAccount: { name: this.storeName } },
          },
        },
      },
    });

    for (const consumer of props.consumers) {
      const c = consumer.connection;
      const ref = (property: string) => ({ key: c.secretName, property });
      const uri = c.uriKey ? ConsumerSecrets.withSslmode(consumer.key, c, ref) : ConsumerSecrets.assembled(consumer.key, c, ref);
      new ExternalSecret(this, `Consumer-${consumer.secretName}`, {
        metadata: {
          name: consumer.secretName,
          namespace: props.namespace,
          annotations: { 'pgfleet.io/consumer': consumer.app, 'pgfleet.io/connection-secret': c.secretName },
        },
        spec: {
          refreshInterval: props.refreshInterval ?? '1m',
          secretStoreRef: { kind: ExternalSecretSpecSecretStoreRefKind.SECRET_STORE, name: this.storeName },
          target: {
            name: consumer.secretName,
            creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
            ...(uri.template ? { template: uri.template } : {}),
          },
          data: uri.data,
        },
      });
    }
  }

  /**
   * The operator's URI with the server's `sslmode` added (neither CloudNativePG's `uri` nor PGO's
   * carries a query string, nor any TLS setting).
   */
  private static withSslmode(key: string, c: Connection, ref: (p: string) => { key: string; property: string }) {
    return {
      data: [{ secretKey: 'uri', remoteRef: ref(c.uriKey!) }],
      template: { engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2, data: { [key]: `{{ .uri }}?sslmode=${c.sslmode}` } },
    };
  }

  /**
   * A URI template over the Secret's parts, for operators that publish no URI. User and password
   * are percent-encoded: Go's `urlquery` encodes all but letters, digits and `-_.~`, and writes a
   * space as `+`, which libpq reads as a plus in the userinfo; `replace` turns it into `%20`
   * (a `+` of the value itself is `%2B` by then).
   */
  private static assembled(key: string, c: Connection, ref: (p: string) => { key: string; property: string }) {
    const p = c.parts!;
    const data = [{ secretKey: 'password', remoteRef: ref(p.passwordKey) }];
    if ('key' in p.user) data.push({ secretKey: 'user', remoteRef: ref(p.user.key) });
    const escaped = (v: string) => `{{ .${v} | urlquery | replace "+" "%20" }}`;
    const user = 'key' in p.user ? escaped('user') : encodeURIComponent(p.user.value);
    return {
      data,
      template: {
        engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
        data: {
          [key]: `postgresql://${user}:${escaped('password')}@${p.host}:${p.port}/${encodeURIComponent(p.database)}?sslmode=${c.sslmode}`,
        },
      },
    };
  }
}
