import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { PatroniDatabaseSpec } from './patroni-schema';
import { patroniNames } from './patroni-names';
import type { StackSpec } from '../../config/stack-spec';
import type { ResolvedDatabase } from '../../model/resolved';
import { VaultCredentials } from '../../constructs/vault-credentials';

/** The credentials Secret of a database and the keys pgfleet reads from it. */
export interface PatroniSecret {
  readonly secretName: string;
  readonly keys: PatroniDatabaseSpec['credentials']['keys'];
}

/** `valueFrom.secretKeyRef` of one key of the credentials Secret. */
export function fromSecret(secret: PatroniSecret, key: keyof PatroniSecret['keys']): k8s.EnvVarSource {
  return { secretKeyRef: { name: secret.secretName, key: secret.keys[key] } };
}

/**
 * Resolves a database's `credentials` to a Secret: the existing one, or one that the shared
 * Vault → External Secrets construct fills from a Vault path. Every generation of the database
 * reads the same Secret (superuser, replication and application user).
 */
export function patroniCredentials(
  scope: Construct,
  id: string,
  db: ResolvedDatabase<PatroniDatabaseSpec>,
  stack: StackSpec,
): PatroniSecret {
  const c = db.spec.credentials;
  if ('existingSecret' in c) return { secretName: c.existingSecret.name, keys: c.keys };
  const vault = VaultCredentials.fromSpec(scope, id, {
    name: patroniNames.vaultCredentials(db.name),
    namespace: db.namespace,
    vault: c.vault,
    defaults: stack.vault,
  });
  return { secretName: vault.secretName, keys: c.keys };
}
