/**
 * What pgfleet relies on in bcgov/cas-postgres' `patroni` chart (helm/patroni, a fork of the
 * incubator chart). Names come from `patroni.fullname`, which pgfleet pins to the generation name
 * with `fullnameOverride`, so release, scope, StatefulSet, Service and Secret all share it.
 *
 * @see https://github.com/bcgov/cas-postgres/tree/main/helm/patroni
 */

/** Chart name in the repository. */
export const PATRONI_CHART = 'patroni';

/** The chart mounts `walE.kubernetesSecret` at /etc/credentials and sets GOOGLE_APPLICATION_CREDENTIALS to this file. */
export const GCS_CREDENTIALS_FILE = '/etc/credentials/credentials.json';

/** Keys of the chart's Secret `<fullname>` by Spilo user (PGUSER_SUPERUSER and PGUSER_ADMIN defaults). */
export const PASSWORD_KEYS = { postgres: 'password-superuser', admin: 'password-admin' } as const;

/** PostgreSQL, as the chart's Service `<fullname>` exposes it. */
export const POSTGRES_PORT = 5432;

/** Patroni's REST API (liveness probe, member checks during failover). */
export const PATRONI_API_PORT = 8008;

/** Labels the chart puts on the StatefulSet's pods: `app` = fullname, `release` = release name. */
export function patroniPodLabels(scope: string): Record<string, string> {
  return { app: scope, release: scope };
}
