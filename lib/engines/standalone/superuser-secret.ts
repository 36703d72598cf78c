import type { Construct } from 'constructs';
import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StandaloneDatabaseSpec } from './standalone-schema';
import type { StackSpec } from '../../config/stack-spec';
import { VaultCredentials } from '../../constructs/vault-credentials';

/** The Secret holding the superuser's name and password, and its keys. */
export interface SuperuserSecret {
  readonly name: string;
  readonly userKey: string;
  readonly passwordKey: string;
}

/** The Secret External Secrets fills from Vault when `superuser.vault` is set. */
export const vaultSuperuserSecretName = (database: string) => `${database}-superuser`;

/** Where every pod of the database reads the superuser from: the existing Secret, or the Vault-fed one. */
export function superuserSecret(spec: StandaloneDatabaseSpec, database: string): SuperuserSecret {
  const s = spec.superuser;
  return { name: 'secretName' in s ? s.secretName : vaultSuperuserSecretName(database), userKey: s.userKey, passwordKey: s.passwordKey };
}

/** `valueFrom` of the superuser's name (`user`) or password. */
export function superuserRef(secret: SuperuserSecret, key: 'user' | 'password'): k8s.EnvVarSource {
  return { secretKeyRef: { name: secret.name, key: key === 'user' ? secret.userKey : secret.passwordKey } };
}

/**
 * With `superuser.vault`, the shared Vault → External Secrets construct (the one the Patroni
 * engine and the object-store credentials use) copies the Vault path's keys into the Secret
 * `<database>-superuser`; with `secretName` nothing is rendered. The server reads the password
 * only at initdb: changing it in Vault needs `ALTER ROLE` on every live server first.
 */
export function superuserCredentials(
  scope: Construct,
  id: string,
  props: { spec: StandaloneDatabaseSpec; database: string; namespace: string; vault?: StackSpec['vault'] },
): SuperuserSecret {
  const s = props.spec.superuser;
  const secret = superuserSecret(props.spec, props.database);
  if ('vault' in s)
    VaultCredentials.fromSpec(scope, id, { name: secret.name, namespace: props.namespace, vault: s.vault, defaults: props.vault });
  return secret;
}
