/**
 * The restore drill of a CloudNativePG database (`drill`): per live generation, a CronJob that
 * restores the newest base backup of the generation's Barman folder with barman-cloud-restore and
 * replays its WAL with barman-cloud-wal-restore onto a scratch claim, runs the check and records
 * the outcome (lib/constructs/restore-drill.ts). It reads the archive with `drill.credentials`
 * (e.g. a Vault role whose policy allows s3:GetObject and s3:ListBucket only), else with the
 * backup's own keys.
 *
 * @see https://docs.pgbarman.org/release/latest/user_guide/barman_cloud.html
 */
import { Construct } from 'constructs';
import type { StackSpec } from '../../config/stack-spec';
import { drillS3Keys } from '../../constructs/drill-credentials';
import type { S3SecretRef } from '../../constructs/object-store-credentials';
import { drillEveryGeneration } from '../../constructs/restore-drill';
import type { ResolvedDatabase } from '../../model/resolved';
import { CNPG_DRILL_SCRIPT } from './cnpg-drill-script';
import { cnpgServerName } from './cnpg-model';
import type { CnpgDatabaseSpec } from './cnpg-schema';

/** CloudNativePG's PostgreSQL images with barman-cloud (the `system` flavour); uid 26. */
const cnpgDrillImage = (major: number) => `ghcr.io/cloudnative-pg/postgresql:${major}-system-trixie`;

export interface CnpgDrillProps {
  readonly database: ResolvedDatabase<CnpgDatabaseSpec>;
  readonly stack: StackSpec;
  /** The backup's own credentials, used when the drill names none. */
  readonly backupCredentials: S3SecretRef;
}

export class CnpgDrill extends Construct {
  constructor(scope: Construct, id: string, props: CnpgDrillProps) {
    super(scope, id);
    const db = props.database;
    const { spec } = db;
    const drill = spec.drill!;
    const creds = drillS3Keys(this, db, props.stack.vault) ?? props.backupCredentials;
    drillEveryGeneration(this, db, (gen) => ({
      database: spec.database,
      user: { uid: 26, gid: 26 },
      restore: {
        name: 'restore',
        image: drill.image ?? cnpgDrillImage(gen.postgresVersion),
        shell: 'bash',
        script: CNPG_DRILL_SCRIPT,
        env: [
          { name: 'BARMAN_DESTINATION', value: spec.backup.destinationPath },
          { name: 'BARMAN_SERVER_NAME', value: cnpgServerName(gen) },
          ...(spec.backup.endpointURL ? [{ name: 'BARMAN_ENDPOINT_URL', value: spec.backup.endpointURL }] : []),
          { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: creds.secretName, key: creds.accessKeyIdKey } } },
          { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: creds.secretName, key: creds.secretAccessKeyKey } } },
        ],
      },
    }));
  }
}
