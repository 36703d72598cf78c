import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { type ImageUser, podSecurityContext } from '../../constructs/pod-security';
import type { StandaloneDatabaseSpec } from './standalone-schema';
import { CLIENT_LABEL, headlessServiceName, POSTGRES_PORT, STEP_LABEL } from './standalone-names';
import { superuserRef, superuserSecret } from './superuser-secret';

/**
 * Pod-level settings of every pod of the engine: the shared restricted security context with a
 * fixed user whose group owns the mounted volumes, no service links (a Service named `postgres`
 * would inject POSTGRES_PORT=tcp://... into every pod of the namespace) and no API token unless
 * the pod talks to the API.
 */
export function podSecurity(user: ImageUser): Pick<k8s.PodSpec, 'securityContext' | 'enableServiceLinks' | 'automountServiceAccountToken'> {
  return {
    securityContext: podSecurityContext({ user, fsGroupChangePolicy: 'OnRootMismatch' }),
    enableServiceLinks: false,
    automountServiceAccountToken: false,
  };
}

/** Modest requests for Jobs; dumps are bounded by the server and the disk, not by CPU. */
export const jobResources: k8s.ResourceRequirements = {
  requests: { cpu: k8s.Quantity.fromString('100m'), memory: k8s.Quantity.fromString('256Mi') },
};

/** An emptyDir for /tmp (the root filesystem is read-only). */
export const tmpVolume: k8s.Volume = { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } };
export const tmpMount: k8s.VolumeMount = { name: 'tmp', mountPath: '/tmp' };

/** Labels of a pod that may reach the database's servers (see the NetworkPolicy). */
export function clientLabels(database: string, step: string): Record<string, string> {
  return { 'pgfleet.io/database': database, [CLIENT_LABEL]: database, [STEP_LABEL]: step };
}

/**
 * libpq environment pointing a tool at one generation's server as the superuser. The password
 * comes from the superuser's Secret (existing or filled from Vault), never from pgfleet.
 */
export function libpqEnv(spec: StandaloneDatabaseSpec, database: string, generation: string): k8s.EnvVar[] {
  const su = superuserSecret(spec, database);
  return [
    { name: 'PGHOST', value: headlessServiceName(generation) },
    { name: 'PGPORT', value: String(POSTGRES_PORT) },
    { name: 'PGUSER', valueFrom: superuserRef(su, 'user') },
    { name: 'PGPASSWORD', valueFrom: superuserRef(su, 'password') },
  ];
}
