/**
 * Rules every engine shares, tried after the engine's own: what adding or removing an object
 * means depending on whether it holds data, and the consumer cutover (lib/secrets). An engine
 * overrides any of them with a rule of its own on the same kind and path.
 */
import { step, type ChangeRule } from '../engines/change-rule';
import { IMPORT_FROM_ANNOTATION } from '../constructs/import-network-policy';

export const genericChangeRules: readonly ChangeRule[] = [
  {
    kind: '*',
    path: '',
    on: 'added',
    dataBearing: true,
    when: (_b, _a, c) => c.newGeneration,
    class: 'new-cluster',
    why: (v) =>
      `new generation ${v.generation ?? '<generation>'} ` +
      `(${v.bootstrap ?? '<bootstrap>'}) beside the live ones; nothing existing is touched`,
  },
  {
    kind: '*',
    path: '',
    on: 'added',
    dataBearing: true,
    class: 'safe',
    why: (v) => `adds ${v.kind} ${v.name} to generation ${v.generation ?? '<generation>'}`,
  },
  {
    kind: '*',
    path: '',
    on: 'removed',
    dataBearing: true,
    when: (_b, _a, c) => c.retiring,
    class: 'destroys-data',
    why: (v) =>
      `generation ${v.generation ?? '<generation>'} is retired: Pulumi lets go of ${v.kind} ${v.name} ` +
      `without deleting it (retainOnDelete); the plan deletes it, and its data, by hand after a grace period`,
  },
  {
    kind: '*',
    path: '',
    on: 'removed',
    dataBearing: true,
    class: 'destroys-data',
    why: (v) =>
      `${v.kind} ${v.name} holds the data of live generation ${v.generation ?? '<generation>'} and leaves the stack: ` +
      `Pulumi keeps it unmanaged (retainOnDelete), and whatever replaces it starts empty`,
  },
  {
    kind: 'networking.k8s.io/v1 NetworkPolicy',
    path: '',
    when: (_b, _a, c) => (c.after ?? c.before)?.metadata?.annotations?.[IMPORT_FROM_ANNOTATION] !== undefined,
    class: 'safe',
    why: (v) =>
      `${v.before === '(absent)' ? 'admits' : 'no longer admits'} the pods importing into ${v.generation ?? '<generation>'} to ` +
      `${v.source ?? '<source>'}'s PostgreSQL port; ${v.source ?? '<source>'}'s own policy is unchanged (policies add up)`,
  },
  {
    kind: 'batch/v1 Job',
    path: '',
    on: 'added',
    when: (_b, a) =>
      (a as { metadata?: { annotations?: Record<string, string> } } | undefined)?.metadata?.annotations?.['pgfleet.io/migrate-from'] !==
      undefined,
    class: 'safe',
    why: (v) =>
      `copies ${v.source ?? '<source>'} into ${v.generation ?? '<generation>'} once its server runs (pg_dump of a snapshot, pg_restore; once)`,
    steps: [
      step.wait(
        (v) =>
          `the copy finishes: \`kubectl -n ${v.namespace} wait job/${v.name} --for=condition=complete --timeout=24h\` ` +
          `(its log: \`kubectl -n ${v.namespace} logs job/${v.name} -f\`); a failed copy leaves a half-filled server: ` +
          `retire ${v.generation ?? '<generation>'} and copy into a new generation`,
      ),
    ],
  },
  { kind: '*', path: '', on: 'added', class: 'safe', why: (v) => `creates ${v.kind} ${v.name}` },
  { kind: '*', path: '', on: 'removed', class: 'safe', why: (v) => `deletes ${v.kind} ${v.name}, which holds no data` },
  {
    kind: '*',
    path: 'metadata.namespace',
    dataBearing: true,
    class: 'destroys-data',
    why: (v) =>
      `${v.kind} ${v.name} moves to another namespace: Kubernetes creates a new, ` +
      `empty object there and the old one (with its data) is left behind (pgfleet refuses this for live generations)`,
  },
  ...['spec.storageClassName', 'spec.accessModes', 'spec.volumeMode'].map((path): ChangeRule => ({
    kind: 'v1 PersistentVolumeClaim',
    path,
    dataBearing: true,
    class: 'destroys-data',
    why: (v) =>
      `${path.slice(5)} of claim ${v.name} cannot change (${v.before} → ${v.after}): Kubernetes refuses it, so Pulumi ` +
      `replaces the claim, and ${v.generation ?? '<generation>'} would start on an empty volume`,
  })),
  { kind: '*', path: 'metadata.labels', class: 'safe', why: () => 'labels only' },
  { kind: '*', path: 'metadata.annotations', dataBearing: false, class: 'safe', why: () => 'annotations of an object that holds no data' },
  {
    kind: 'external-secrets.io/v1 ExternalSecret',
    path: 'spec',
    when: (_b, _a, c) => c.after?.metadata?.annotations?.['pgfleet.io/consumer'] !== undefined && c.serving.before !== c.serving.after,
    class: 'restart',
    why: (v) =>
      `cutover: the consumer Secret ${v.name} moves from ${v.servingBefore ?? '<old generation>'} ` +
      `to ${v.serving ?? '<new generation>'}; the application reads it when its pods restart`,
    steps: [
      step.wait(
        (v) =>
          `External Secrets rewrote the Secret: \`kubectl -n ${v.namespace} get externalsecret ${v.name} -o ` +
          `jsonpath='{.status.conditions[?(@.type=="Ready")].status}'\` prints True and \`.status.refreshTime\` is after \`pulumi up\``,
      ),
    ],
  },
  {
    kind: 'rbac.authorization.k8s.io/v1 Role',
    path: 'rules',
    class: 'safe',
    why: () => 'which Secrets the role may read: the consumer store follows the live generations',
  },
  {
    kind: 'external-secrets.io/v1 ExternalSecret',
    path: 'metadata.annotations.pgfleet.io/connection-secret',
    class: 'safe',
    why: (v) => `records which connection Secret the consumer reads (${v.before} → ${v.after})`,
  },
];
