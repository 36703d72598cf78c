import type { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { DumpBackupSpec, StandaloneDatabaseSpec } from '../../config/schema/standalone';
import { backupClaimName } from './names';

/** The PVC holding every generation's nightly dumps (target `pvc`): data-bearing, shared, kept. */
export function backupClaim(scope: Construct, id: string, props: { spec: StandaloneDatabaseSpec; backup: DumpBackupSpec; database: string; namespace: string }): k8s.KubePersistentVolumeClaim | undefined {
  const t = props.backup.target;
  if (!('pvc' in t)) return undefined;
  return new k8s.KubePersistentVolumeClaim(scope, id, {
    metadata: { name: backupClaimName(props.database), namespace: props.namespace },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: t.pvc.storageClass ?? props.spec.storage.storageClass,
      resources: { requests: { storage: k8s.Quantity.fromString(t.pvc.size) } },
    },
  });
}
