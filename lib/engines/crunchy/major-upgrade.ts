import { Construct } from 'constructs';
import { PgUpgrade, PgUpgradeSpecTransferMethod } from '../../../imports/pgo-pgupgrade-postgres-operator.crunchydata.com';
import type { TRANSFER_METHODS } from './crunchy-upgrade-schema';
import { pgUpgradeName } from './crunchy-model';

const TRANSFER_METHOD: Record<(typeof TRANSFER_METHODS)[number], PgUpgradeSpecTransferMethod> = {
  Copy: PgUpgradeSpecTransferMethod.COPY,
  Link: PgUpgradeSpecTransferMethod.LINK,
  Clone: PgUpgradeSpecTransferMethod.CLONE,
  CopyFileRange: PgUpgradeSpecTransferMethod.COPY_FILE_RANGE,
};

export interface MajorUpgradeProps {
  /** The PostgresCluster to upgrade. */
  readonly cluster: string;
  readonly namespace: string;
  /** The major the data directory has now. */
  readonly from: number;
  readonly to: number;
  /** @default - PGO's RELATED_IMAGE_PGUPGRADE */
  readonly image?: string;
  /** @default - PGO's choice */
  readonly transferMethod?: (typeof TRANSFER_METHODS)[number];
  /** @default 1 */
  readonly jobs?: number;
}

/**
 * The `PGUpgrade` of one cluster and version step. PGO runs it only while the cluster carries the
 * `allow-upgrade: <name>` annotation and is shut down; it is single-use, so the name carries the
 * versions and a later upgrade gets a new object.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/guides/major-postgres-version-upgrade
 */
export class MajorUpgrade extends Construct {
  public readonly upgradeName: string;

  constructor(scope: Construct, id: string, props: MajorUpgradeProps) {
    super(scope, id);
    this.upgradeName = pgUpgradeName(props.cluster, props.from, props.to);
    new PgUpgrade(this, 'Resource', {
      metadata: { name: this.upgradeName, namespace: props.namespace, labels: { 'pgfleet.io/generation': props.cluster } },
      spec: {
        postgresClusterName: props.cluster,
        fromPostgresVersion: props.from,
        toPostgresVersion: props.to,
        image: props.image,
        transferMethod: props.transferMethod ? TRANSFER_METHOD[props.transferMethod] : undefined,
        jobs: props.jobs,
      },
    });
  }
}
