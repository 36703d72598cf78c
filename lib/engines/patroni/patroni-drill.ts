/**
 * The restore drill of a Patroni database (`drill`): per live generation, a CronJob that loads the
 * newest backup-container dump of the check's database from the generation's backup volume
 * (mounted read-only) into a scratch server, runs the check and records the outcome
 * (lib/constructs/restore-drill.ts). It runs in the backup-container image, whose PostgreSQL
 * server the container's own verification (`backup.sh -v`) uses too; unlike that verification,
 * it checks the data the stack says must be there, not only that some table exists.
 */
import { Construct } from 'constructs';
import { drillEveryGeneration } from '../../constructs/restore-drill';
import type { ResolvedDatabase } from '../../model/resolved';
import { PATRONI_DRILL_SCRIPT } from './patroni-drill-script';
import { patroniNames } from './patroni-names';
import type { PatroniDatabaseSpec } from './patroni-schema';

export interface PatroniDrillProps {
  readonly database: ResolvedDatabase<PatroniDatabaseSpec>;
}

export class PatroniDrill extends Construct {
  constructor(scope: Construct, id: string, props: PatroniDrillProps) {
    super(scope, id);
    const db = props.database;
    const { spec } = db;
    const drill = spec.drill!;
    const sqlDatabase = drill.check.database ?? spec.database;
    drillEveryGeneration(this, db, (gen) => ({
      database: spec.database,
      // The backup-container image's user; OpenShift assigns its own.
      user: { uid: 26, gid: 26 },
      pinIds: spec.platform === 'kubernetes',
      volumes: [{ name: 'backups', persistentVolumeClaim: { claimName: patroniNames.backupPvc(gen.name), readOnly: true } }],
      restore: {
        name: 'restore',
        image: drill.image ?? spec.backup.image,
        shell: 'bash',
        script: PATRONI_DRILL_SCRIPT,
        env: [
          { name: 'BACKUP_DIR', value: '/backups' },
          { name: 'DUMP_PREFIX', value: patroniNames.dumpPrefix(gen.name, sqlDatabase) },
        ],
        mounts: [{ name: 'backups', mountPath: '/backups', readOnly: true }],
      },
    }));
  }
}
