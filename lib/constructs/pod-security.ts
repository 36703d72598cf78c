import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/** The user an image runs as: its numeric uid and the group that owns its volumes. */
export interface ImageUser {
  readonly uid: number;
  readonly gid: number;
}

/** `nobody`, for tool images that need no user of their own (kubectl, rclone, blackbox). */
export const NOBODY: ImageUser = { uid: 65534, gid: 65534 };

export interface PodSecurityProps {
  /** The image's non-root user; its group owns the pod's volumes (`fsGroup`). */
  readonly user: ImageUser;
  /**
   * Whether the pod names its uid, gid and fsGroup. `false` on OpenShift: the restricted SCC
   * assigns them from the namespace's range and rejects any other; runAsNonRoot still holds.
   * @default true
   */
  readonly pinIds?: boolean;
  /**
   * `OnRootMismatch` skips the recursive chown of a volume whose root already belongs to the
   * fsGroup, so a large volume does not slow every start. Only rendered with pinned ids.
   * @default - the kubelet's default (`Always`)
   */
  readonly fsGroupChangePolicy?: 'OnRootMismatch' | 'Always';
}

/**
 * Pod-level security of every pod pgfleet defines, as the `restricted` Pod Security Standard
 * asks: a non-root user and the runtime's default seccomp profile.
 *
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function podSecurityContext(props: PodSecurityProps): k8s.PodSecurityContext {
  const pinIds = props.pinIds ?? true;
  const { uid, gid } = props.user;
  return {
    runAsNonRoot: true,
    ...(pinIds
      ? {
          runAsUser: uid,
          runAsGroup: gid,
          fsGroup: gid,
          ...(props.fsGroupChangePolicy ? { fsGroupChangePolicy: props.fsGroupChangePolicy } : {}),
        }
      : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export interface ContainerSecurityProps {
  /**
   * `false` only for an image that writes outside its volumes (the Patroni entrypoint writes its
   * configuration and /etc/passwd; the backup-container's verification server its socket).
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Also state runAsNonRoot on the container. The pod's setting already covers it; Patroni's
   * rendered pods have always carried both.
   * @default false
   */
  readonly runAsNonRoot?: boolean;
}

/** Container-level security of every container pgfleet defines: nothing escalates, no capability, a read-only root. */
export function containerSecurityContext(props: ContainerSecurityProps = {}): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
    ...(props.runAsNonRoot ? { runAsNonRoot: true } : {}),
  };
}
