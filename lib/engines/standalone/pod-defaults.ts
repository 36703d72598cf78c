import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { StandaloneDatabaseSpec } from './standalone-schema';
import { CLIENT_LABEL, headlessServiceName, POSTGRES_PORT, STEP_LABEL } from './names';
import { superuserRef, superuserSecret } from './superuser-secret';

/** The official images' uid for tools that run as nobody (kubectl, rclone, blackbox). */
export const NOBODY = 65534;

/**
 * Pod-level security for every pod of the engine: a fixed non-root user whose group owns the
 * mounted volumes (fsGroup), the runtime's default seccomp profile, no service links (a Service
 * named `postgres` would inject POSTGRES_PORT=tcp://... into every pod of the namespace) and no
 * API token unless the pod talks to the API.
 */
export function podSecurity(
  uid: number,
  fsGroup = uid,
): Pick<k8s.PodSpec, 'securityContext' | 'enableServiceLinks' | 'automountServiceAccountToken'> {
  return {
    securityContext: {
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: uid,
      fsGroup,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    },
    enableServiceLinks: false,
    automountServiceAccountToken: false,
  };
}

/** Container-level security: nothing escalates, no capability, read-only root (writable paths are emptyDirs). */
export const containerSecurity: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

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

/**
 * Pull policy of a tool image: a moving tag (a branch such as blackbox's `main`, `latest`, any tag
 * without a digit) is pulled on every start, or each node keeps running whatever build it pulled
 * first; a version tag or a digest is pulled once.
 */
export function pullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return 'IfNotPresent';
  const tag = image.split('/').pop()!.split(':')[1] ?? 'latest';
  return /latest/i.test(tag) || !/\d/.test(tag) ? 'Always' : 'IfNotPresent';
}
