/**
 * How a drill reads its archive with `drill.credentials`, the same in every engine: S3-style keys
 * (Vault-fed or an existing Secret) become one Secret reference; a key file (GCS) is mounted
 * read-only at /drill-key/key.json.
 */
import type { Construct } from 'constructs';
import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StackSpec } from '../config/stack-spec';
import type { DrillSpec } from '../model/recovery-report';
import { isBlockView, type ResolvedDatabase } from '../model/resolved';
import { objectStoreCredentials, type S3SecretRef } from './object-store-credentials';

/**
 * The Vault-fed Secret of a database's `drill.credentials`: one per engine of the database, so the
 * generations of a migration on another engine read with their own (`<database>-<engine>-drill-creds`).
 */
export const drillCredentialsName = (db: Pick<ResolvedDatabase, 'name' | 'path' | 'engine'>): string =>
  isBlockView(db) ? `${db.name}-${db.engine}-drill-creds` : `${db.name}-drill-creds`;

/** The drill's own S3-style keys as a Secret reference, or undefined when it names none (or a key file). */
export function drillS3Keys(
  scope: Construct,
  db: Pick<ResolvedDatabase, 'name' | 'path' | 'engine' | 'namespace'> & { readonly spec: { readonly drill?: DrillSpec } },
  vault: StackSpec['vault'],
): S3SecretRef | undefined {
  const c = db.spec.drill?.credentials;
  if (!c || 'keyFileSecret' in c) return undefined;
  return objectStoreCredentials(scope, 'Credentials', { credentials: c, name: drillCredentialsName(db), namespace: db.namespace, vault });
}

/** A key file in a Secret, mounted read-only where the restore tool reads it. */
export interface DrillKeyFile {
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
  /** The file inside the container. */
  readonly path: string;
}

export function drillKeyFile(secret: { readonly name: string; readonly key: string }): DrillKeyFile {
  return {
    volume: { name: 'drill-key', secret: { secretName: secret.name, items: [{ key: secret.key, path: 'key.json' }] } },
    mount: { name: 'drill-key', mountPath: '/drill-key', readOnly: true },
    path: '/drill-key/key.json',
  };
}
