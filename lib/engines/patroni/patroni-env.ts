import type * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { PatroniDatabaseSpec } from './patroni-schema';
import { fromSecret, type PatroniSecret } from './patroni-credentials';

/** Where the image keeps its data directory (on the `postgresql` volume at /home/postgres/pgdata). */
export const PATRONI_DATA_DIR = '/home/postgres/pgdata/pgroot/data';
export const POSTGRES_PORT = 5432;
export const PATRONI_API_PORT = 8008;

/**
 * Labels Patroni puts on its member pods and DCS ConfigMaps and selects them by. The leader
 * additionally carries `role: master` (Patroni 1.6 of the bcgov image).
 */
export function patroniLabels(scope: string): Record<string, string> {
  return { 'cluster-name': scope, 'app.kubernetes.io/name': 'patroni' };
}

export interface PatroniEnvProps {
  /** Patroni scope = generation name. */
  readonly scope: string;
  readonly spec: PatroniDatabaseSpec;
  readonly secret: PatroniSecret;
}

/**
 * The environment of the bcgov Patroni container, as hcap's StatefulSet sets it. Patroni reads
 * the `PATRONI_*` variables over the `patroni.yml` the image's entrypoint writes (scope, name,
 * Kubernetes DCS namespace and labels, users, listen addresses, data directory); the entrypoint
 * uses `POD_IP` for the connect addresses, `POSTGRESQL_MAX_*` for the bootstrap parameters, and
 * its post_init creates `APP_USER` and `APP_DATABASE` once, when the cluster is initialised.
 *
 * @see https://patroni.readthedocs.io/en/latest/ENVIRONMENT.html
 */
export function patroniEnv(props: PatroniEnvProps): k8s.EnvVar[] {
  const { scope, spec, secret } = props;
  const p = spec.parameters;
  return [
    { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
    { name: 'PATRONI_KUBERNETES_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    { name: 'PATRONI_KUBERNETES_LABELS', value: JSON.stringify(patroniLabels(scope)) },
    { name: 'PATRONI_SUPERUSER_USERNAME', valueFrom: fromSecret(secret, 'superuserUsername') },
    { name: 'PATRONI_SUPERUSER_PASSWORD', valueFrom: fromSecret(secret, 'superuserPassword') },
    { name: 'PATRONI_REPLICATION_USERNAME', valueFrom: fromSecret(secret, 'replicationUsername') },
    { name: 'PATRONI_REPLICATION_PASSWORD', valueFrom: fromSecret(secret, 'replicationPassword') },
    { name: 'APP_USER', valueFrom: fromSecret(secret, 'appUsername') },
    { name: 'APP_PASSWORD', valueFrom: fromSecret(secret, 'appPassword') },
    { name: 'APP_DATABASE', value: spec.database },
    { name: 'PATRONI_SCOPE', value: scope },
    { name: 'PATRONI_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'PATRONI_LOG_LEVEL', value: 'WARNING' },
    { name: 'PATRONI_POSTGRESQL_DATA_DIR', value: PATRONI_DATA_DIR },
    { name: 'PATRONI_POSTGRESQL_PGPASS', value: '/tmp/pgpass' },
    { name: 'PATRONI_POSTGRESQL_LISTEN', value: `0.0.0.0:${POSTGRES_PORT}` },
    { name: 'PATRONI_RESTAPI_LISTEN', value: `0.0.0.0:${PATRONI_API_PORT}` },
    ...(p.maxConnections !== undefined ? [{ name: 'POSTGRESQL_MAX_CONNECTIONS', value: String(p.maxConnections) }] : []),
    ...(p.maxPreparedTransactions !== undefined
      ? [{ name: 'POSTGRESQL_MAX_PREPARED_TRANSACTIONS', value: String(p.maxPreparedTransactions) }]
      : []),
    ...(p.maxLocksPerTransaction !== undefined
      ? [{ name: 'POSTGRESQL_MAX_LOCKS_PER_TRANSACTION', value: String(p.maxLocksPerTransaction) }]
      : []),
  ];
}
