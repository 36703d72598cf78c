import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { PatroniDatabaseSpec } from './patroni-schema';
import { patroniNames } from './patroni-names';
import { backupPodTemplate } from './backup-pod';
import { RESTORE_SCRIPT, UPGRADE_SCRIPT } from './job-scripts';
import { fromSecret, type PatroniSecret } from './patroni-credentials';
import { POSTGRES_PORT } from './patroni-env';

/** Which dump a restore loads: one file, the newest at or before a time, or the newest. */
export class DumpSelection {
  /** A file under the source's backup volume. */
  public static file(path: string): DumpSelection {
    return new DumpSelection('file', [{ name: 'BACKUP_FILE', value: path }]);
  }

  /** The newest dump whose name stamp (`stamp`, wall clock of the backup time zone) is at or before `time`. */
  public static before(time: string, stamp: string): DumpSelection {
    return new DumpSelection('before', [
      { name: 'TARGET_TIME', value: time },
      { name: 'TARGET_STAMP', value: stamp },
    ]);
  }

  public static latest(): DumpSelection {
    return new DumpSelection('latest', []);
  }

  /** A fresh dump of the source taken by the Job itself (upgrade). */
  public static fresh(): DumpSelection {
    return new DumpSelection('fresh', []);
  }

  private constructor(
    public readonly kind: 'file' | 'before' | 'latest' | 'fresh',
    private readonly vars: readonly { name: string; value: string }[],
  ) {}

  /** The selection's environment for the restore script. */
  public env(): k8s.EnvVar[] {
    return this.kind === 'fresh' ? [] : [{ name: 'SELECT', value: this.kind }, ...this.vars];
  }
}

/** How the Job's data arrives, for labels and the change rules. */
export type RestoreKind = 'new-generation' | 'upgrade' | 'in-place';

export interface DumpRestoreJobProps {
  readonly spec: PatroniDatabaseSpec;
  /** The database name in the fleet. */
  readonly database: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: RestoreKind;
  /** Generation whose backup volume holds (or receives) the dump. */
  readonly source: string;
  /** Generation loaded (its leader Service). */
  readonly target: string;
  /** SQL database restored. */
  readonly sqlDatabase: string;
  readonly selection: DumpSelection;
  readonly secret: PatroniSecret;
}

/**
 * A Job that loads one database's dump into a generation, in a backup-container pod (its psql and
 * the backup volume), with the steps of the image's own restore (`backup.sh -r`: drop, create,
 * replay) but keeping the target's roles (see RESTORE in job-scripts.ts). The script picks the
 * dump, checks it is complete, waits for the target's leader, refuses to run while sessions use
 * the database, gives the database back to the application user, and marks it with the Job's
 * name, so a Job that is re-created later finds the mark and leaves the data alone.
 *
 * For an upgrade the Job first dumps the source (to a folder of its own on the source's backup
 * volume, outside the retention of the regular dumps) and loads that dump.
 */
export class DumpRestoreJob extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: DumpRestoreJobProps) {
    super(scope, id);
    const { spec, secret } = props;
    const fresh = props.selection.kind === 'fresh';
    const template = backupPodTemplate({
      spec,
      database: props.database,
      generation: props.target,
      component: fresh ? 'upgrade' : 'restore',
      script: fresh ? UPGRADE_SCRIPT : RESTORE_SCRIPT,
      backupPvc: patroniNames.backupPvc(props.source),
      backupDir: fresh ? `/backups/upgrade-${props.target}/` : undefined,
      backupConf: fresh ? { configMap: patroniNames.backupConfig(props.source), key: `${props.sqlDatabase}.conf` } : undefined,
      secret,
      connectAs: 'superuser',
      env: [
        { name: 'DUMP_PREFIX', value: patroniNames.dumpPrefix(props.source, props.sqlDatabase) },
        ...props.selection.env(),
        { name: 'TARGET_HOST', value: props.target },
        { name: 'TARGET_PORT', value: String(POSTGRES_PORT) },
        { name: 'DATABASE', value: props.sqlDatabase },
        { name: 'PGUSER', valueFrom: fromSecret(secret, 'superuserUsername') },
        { name: 'ADMIN_PASSWORD', valueFrom: fromSecret(secret, 'superuserPassword') },
        { name: 'APP_USER', valueFrom: fromSecret(secret, 'appUsername') },
        { name: 'RESTORE_MARKER', value: `pgfleet:${props.namespace}/${props.name}` },
      ],
    });
    this.job = new k8s.KubeJob(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: { 'pgfleet.io/generation': props.target, 'pgfleet.io/restore': props.kind },
      },
      spec: {
        // A retry starts over (drop, create, replay); the mark makes a finished restore final.
        backoffLimit: 2,
        activeDeadlineSeconds: 6 * 3600,
        template,
      },
    });
  }
}
