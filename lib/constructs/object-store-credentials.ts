import { Construct } from 'constructs';
import type { CredentialsSpec } from '../config/schema-parts';
import type { StackSpec } from '../config/stack-spec';
import { VaultCredentials } from './vault-credentials';

/** A Secret with S3-style keys, and the names of those keys. */
export interface S3SecretRef {
  readonly secretName: string;
  readonly accessKeyIdKey: string;
  readonly secretAccessKeyKey: string;
}

export interface ObjectStoreCredentialsProps {
  readonly credentials: CredentialsSpec;
  /** Name for the Vault-fed objects and Secret. */
  readonly name: string;
  readonly namespace: string;
  /** Stack-wide Vault defaults. */
  readonly vault?: StackSpec['vault'];
  /** @default {} */
  readonly secretLabels?: Record<string, string>;
}

/**
 * Resolves a stack's `credentials` to a Secret reference, creating the Vault → External Secrets
 * chain when the credentials come from Vault. Every engine uses this one mechanism.
 */
export function objectStoreCredentials(scope: Construct, id: string, props: ObjectStoreCredentialsProps): S3SecretRef {
  const c = props.credentials;
  if ('existingSecret' in c) {
    return {
      secretName: c.existingSecret.name,
      accessKeyIdKey: c.existingSecret.accessKeyIdKey,
      secretAccessKeyKey: c.existingSecret.secretAccessKeyKey,
    };
  }
  const creds = VaultCredentials.fromSpec(scope, id, {
    name: props.name,
    namespace: props.namespace,
    vault: c.vault,
    defaults: props.vault,
    secretLabels: props.secretLabels,
  });
  return { secretName: creds.secretName, accessKeyIdKey: creds.accessKeyIdKey, secretAccessKeyKey: creds.secretAccessKeyKey };
}
