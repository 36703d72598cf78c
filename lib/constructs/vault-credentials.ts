import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import {
  ExternalSecret,
  ExternalSecretSpecDataFromSourceRefGeneratorRefKind,
  ExternalSecretSpecTargetCreationPolicy,
} from '../../imports/eso-externalsecret-external-secrets.io';
import { VaultDynamicSecret, VaultDynamicSecretSpecResultType } from '../../imports/eso-vaultdynamicsecret-generators.external-secrets.io';
import type { VaultCredentialsSpec } from '../config/schema-parts';
import type { StackSpec } from '../config/stack-spec';

export interface VaultCredentialsProps {
  /** Name of the ServiceAccount, generator, ExternalSecret and resulting Secret. */
  readonly name: string;
  readonly namespace: string;
  /** Vault path that mints credentials, e.g. `/aws/creds/forgejo-db-backup`. */
  readonly path: string;
  /** Vault Kubernetes-auth role. */
  readonly role: string;
  /** Vault address. */
  readonly server: string;
  /** Kubernetes auth mount in Vault. @default kubernetes */
  readonly mountPath?: string;
  /** How often new credentials are minted; must be shorter than the issuing token's TTL (checked in config). */
  readonly refreshInterval: string;
  /** Labels on the resulting Secret, e.g. `cnpg.io/reload: "true"` so CloudNativePG reloads rotated keys. @default {} */
  readonly secretLabels?: Record<string, string>;
}

/**
 * Object-store credentials minted by Vault and delivered as a Kubernetes Secret by External
 * Secrets: a ServiceAccount to log in to Vault, a `VaultDynamicSecret` generator, and an
 * `ExternalSecret` that runs it. Every generator run mints new credentials, so nothing secret is
 * ever written to the repository.
 *
 * @see https://external-secrets.io/latest/api/generator/vault/
 */
export class VaultCredentials extends Construct {
  /**
   * From a stack's `vault:` block, with the stack-wide `pgfleet:vault` defaults for the server and
   * the auth mount. Every engine's Vault-fed Secret is made here.
   */
  public static fromSpec(
    scope: Construct,
    id: string,
    props: {
      readonly name: string;
      readonly namespace: string;
      readonly vault: VaultCredentialsSpec;
      readonly defaults?: StackSpec['vault'];
      readonly secretLabels?: Record<string, string>;
    },
  ): VaultCredentials {
    const v = props.vault;
    const server = v.server ?? props.defaults?.server;
    // The config check (resolve.ts) reports a missing server with its path; this only guards it.
    if (!server) throw new Error(`${props.name}: no Vault server (checked in config)`);
    return new VaultCredentials(scope, id, {
      name: props.name,
      namespace: props.namespace,
      path: v.path,
      role: v.role,
      server,
      mountPath: v.mountPath ?? props.defaults?.mountPath,
      refreshInterval: v.refreshInterval,
      secretLabels: props.secretLabels,
    });
  }

  /** The Secret that will hold the credentials (keys `access_key`, `secret_key`). */
  public readonly secretName: string;
  public readonly accessKeyIdKey = 'access_key';
  public readonly secretAccessKeyKey = 'secret_key';

  constructor(scope: Construct, id: string, props: VaultCredentialsProps) {
    super(scope, id);
    const metadata = { name: props.name, namespace: props.namespace };
    this.secretName = props.name;

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });

    const generator = new VaultDynamicSecret(this, 'Generator', {
      metadata,
      spec: {
        path: props.path,
        method: 'GET',
        resultType: VaultDynamicSecretSpecResultType.DATA,
        provider: {
          server: props.server,
          auth: {
            kubernetes: {
              mountPath: props.mountPath ?? 'kubernetes',
              role: props.role,
              serviceAccountRef: { name: props.name },
            },
          },
        },
      },
    });

    new ExternalSecret(this, 'Resource', {
      metadata,
      spec: {
        refreshInterval: props.refreshInterval,
        target: {
          name: this.secretName,
          creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER,
          template: { metadata: { labels: props.secretLabels ?? {} } },
        },
        dataFrom: [
          {
            sourceRef: {
              generatorRef: {
                apiVersion: VaultDynamicSecret.GVK.apiVersion,
                kind: ExternalSecretSpecDataFromSourceRefGeneratorRefKind.VAULT_DYNAMIC_SECRET,
                name: generator.name,
              },
            },
          },
        ],
      },
    });
  }
}
