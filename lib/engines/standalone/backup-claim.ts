import type { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { DumpBackupSpec, StandaloneDatabaseSpec } from './standalone-schema';
import { backupClaimName, STEP_LABEL } from './standalone-names';

/**
 * A generation's own PVC `<gen>-backups` for its nightly dumps (target `pvc`): data-bearing,
 * written only by that generation's CronJob and read by restores from it. One claim per
 * generation, as in the Patroni engine: a `ReadWriteOnce` claim shared by every generation's
 * CronJob stalls on Multi-Attach whenever two of them run on different nodes.
 */
export function backupClaim(
  scope: Construct,
  id: string,
  props: { spec: StandaloneDatabaseSpec; backup: DumpBackupSpec; generation: string; namespace: string },
): k8s.KubePersistentVolumeClaim | undefined {
  const t = props.backup.target;
  if (!('pvc' in t)) return undefined;
  return new k8s.KubePersistentVolumeClaim(scope, id, {
    metadata: {
      name: backupClaimName(props.generation),
      namespace: props.namespace,
      labels: { 'pgfleet.io/generation': props.generation, [STEP_LABEL]: 'backup' },
    },
    spec: {
      accessModes: [t.pvc.accessMode],
      storageClassName: t.pvc.storageClass ?? props.spec.storage.storageClass,
      resources: { requests: { storage: k8s.Quantity.fromString(t.pvc.size) } },
    },
  });
}
