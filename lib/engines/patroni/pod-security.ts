import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { PatroniDatabaseSpec } from './patroni-schema';

/** The user an image runs as: its numeric uid and the group that owns its volumes. */
export interface ImageUser {
  readonly uid: number;
  readonly gid: number;
}

/** `postgres` in the Debian `postgres` image the bcgov Patroni image is built on. */
export const PATRONI_IMAGE_USER: ImageUser = { uid: 999, gid: 999 };
/** `postgres` in the sclorg/Fedora PostgreSQL image the backup-container is built on (`USER 26`). */
export const BACKUP_IMAGE_USER: ImageUser = { uid: 26, gid: 26 };
/** `nonroot` of the distroless base of `registry.k8s.io/kubectl`. */
export const KUBECTL_IMAGE_USER: ImageUser = { uid: 65532, gid: 65532 };

/**
 * Pod-level security. On OpenShift the restricted SCC assigns uid and fsGroup from the
 * namespace's range and rejects others, so they are left out there; both database images map
 * an arbitrary uid onto their `postgres` user.
 */
export function podSecurityContext(platform: PatroniDatabaseSpec['platform'], user: ImageUser): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    ...(platform === 'kubernetes' ? { runAsUser: user.uid, runAsGroup: user.gid, fsGroup: user.gid } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security: no privilege escalation, no capabilities. */
export function containerSecurityContext(readOnlyRootFilesystem: boolean): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem,
    runAsNonRoot: true,
  };
}

/** `{cpu: '100m'}` → quantities, leaving out unset entries. */
export function quantities(list: { cpu?: string; memory?: string }): Record<string, k8s.Quantity> {
  return Object.fromEntries(
    Object.entries(list)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, k8s.Quantity.fromString(v!)]),
  );
}

/** Image pull policy: a moving `…latest` tag must be pulled every time, or nodes run different builds. */
export function pullPolicy(image: string): string {
  const tag = image.includes('@') ? '' : image.slice(image.lastIndexOf(':') + 1);
  return /latest/.test(tag) ? 'Always' : 'IfNotPresent';
}
