import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import type { Construct } from 'constructs';
import type { StandaloneDatabaseSpec } from './standalone-schema';
import { dumpClaimName, STEP_LABEL } from './standalone-names';

/** Where a Job finds the dumps: a volume, the path it is mounted at, and the folder inside. */
export interface DumpLocation {
  readonly volume: k8s.Volume;
  /** Mount path of the volume. */
  readonly mountPath: string;
  /** DUMP_DIR: the folder of the dumps (the mount path or below it). */
  readonly dir: string;
  /** @default false */
  readonly readOnly?: boolean;
}

/** What the dump and import Jobs share. */
export interface DumpJobCommon {
  readonly name: string;
  readonly namespace: string;
  readonly database: string;
  readonly spec: StandaloneDatabaseSpec;
  /** Image with pg_dumpall/psql: the newer server's, never older than either server. */
  readonly image: string;
  readonly location: DumpLocation;
}

/**
 * A dedicated volume for the dump a new generation is loaded from (`<generation>-dump`), sized by
 * `upgrade.dumpSize` (default: the data volume's size), and the location Jobs mount it at.
 */
export function dumpClaimLocation(
  scope: Construct,
  props: { readonly spec: StandaloneDatabaseSpec; readonly generation: string; readonly namespace: string },
): { readonly claim: k8s.KubePersistentVolumeClaim; readonly location: DumpLocation } {
  const { spec, generation, namespace } = props;
  const claim = new k8s.KubePersistentVolumeClaim(scope, 'DumpClaim', {
    metadata: { name: dumpClaimName(generation), namespace, labels: { 'pgfleet.io/generation': generation, [STEP_LABEL]: 'dump' } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: spec.storage.storageClass,
      resources: { requests: { storage: k8s.Quantity.fromString(spec.upgrade.dumpSize ?? spec.storage.size) } },
    },
  });
  return {
    claim,
    location: { volume: { name: 'dump', persistentVolumeClaim: { claimName: claim.name } }, mountPath: '/dump', dir: '/dump' },
  };
}
