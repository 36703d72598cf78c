/**
 * The restore drill of a Spilo database (`drill`): per live generation, a CronJob that fetches the
 * newest WAL-G base backup of the generation's prefix, replays its WAL onto a scratch claim, runs
 * the check and records the outcome (lib/constructs/restore-drill.ts). It runs in the Spilo image
 * (WAL-G and every PostgreSQL major it ships) with `drill.credentials.keyFileSecret` (a service
 * account with roles/storage.objectViewer on the bucket) or else the backup's own key Secret.
 */
import { Construct } from 'constructs';
import { drillKeyFile } from '../../constructs/drill-credentials';
import { drillEveryGeneration } from '../../constructs/restore-drill';
import type { ResolvedDatabase } from '../../model/resolved';
import { SPILO_DRILL_SCRIPT } from './spilo-drill-script';
import { spiloWalPrefix } from './spilo-model';
import type { SpiloDatabaseSpec } from './spilo-schema';

export interface SpiloDrillProps {
  readonly database: ResolvedDatabase<SpiloDatabaseSpec>;
}

export class SpiloDrill extends Construct {
  constructor(scope: Construct, id: string, props: SpiloDrillProps) {
    super(scope, id);
    const db = props.database;
    const { spec } = db;
    const drill = spec.drill!;
    const c = drill.credentials;
    const key = drillKeyFile(
      c && 'keyFileSecret' in c ? c.keyFileSecret : { name: spec.backup!.serviceAccountKeySecret!, key: 'credentials.json' },
    );
    drillEveryGeneration(this, db, (gen) => ({
      database: spec.database,
      // Spilo's postgres user.
      user: { uid: 101, gid: 103 },
      volumes: [key.volume],
      restore: {
        name: 'restore',
        image: drill.image ?? `${spec.image.repository}:${spec.image.tag}`,
        shell: 'bash',
        script: SPILO_DRILL_SCRIPT,
        env: [
          { name: 'PATH', value: `/usr/lib/postgresql/${gen.postgresVersion}/bin:/usr/local/bin:/usr/bin:/bin` },
          { name: 'WALG_GS_PREFIX', value: spiloWalPrefix(spec, gen) },
          { name: 'GOOGLE_APPLICATION_CREDENTIALS', value: key.path },
        ],
        mounts: [key.mount],
      },
    }));
  }
}
