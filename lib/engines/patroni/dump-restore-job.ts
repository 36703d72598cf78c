import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import type { PatroniDatabaseSpec } from './patroni-schema';
import { patroniNames } from './patroni-names';
import { BACKUP_MOUNT, backupPodTemplate, backupShEnv, superuserEnv } from './backup-pod';
import { RESTORE_SCRIPT, UPGRADE_SCRIPT } from './job-scripts';
import { fromSecret, type PatroniSecret } from './patroni-credentials';
import { POSTGRES_PORT } from './patroni-env';

/** Which dump a restore loads: one file, the newest at or before a time, or the newest. */
export class DumpSelection {
  /** A file under the source's backup volume. */
  public static file(path: string): DumpSelection {
    return new DumpSelection('file', [{ name: 'BACKUP_FILE', value: path }]);
  }

  /** The newest dump whose name stamp (`stamp`: the target time's wall clock in the backup time zone) is at or before it. */
  public static before(stamp: string): DumpSelection {
    return new DumpSelection('before', [{ name: 'TARGET_STAMP', value: stamp }]);
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
 * the backup volume), with pgfleet's restore rather than `backup.sh -r` (scripts/restore.sh): the
 * script picks the dump, checks it is whole, waits for the target's leader, creates the roles the
 * dump defines and the target lacks, loads roles and data into a staging database in one
 * transaction, and only then swaps it in for the target's database (refusing while sessions use
 * it), owned by the application user and marked with the Job's name, so a Job that is re-created
 * later finds the mark and leaves the data alone. A failed load changes nothing.
 *
 * For an upgrade the Job first dumps the source (to a folder of its own on the source's backup
 * volume, outside the trees the regular dumps' retention prunes) and loads that dump.
 */
export class DumpRestoreJob extends Construct {
  public readonly job: k8s.KubeJob;

  constructor(scope: Construct, id: string, props: DumpRestoreJobProps) {
    super(scope, id);
    const { spec, secret } = props;
    const fresh = props.selection.kind === 'fresh';
    const target = [
      { name: 'TARGET_HOST', value: props.target },
      { name: 'TARGET_PORT', value: String(POSTGRES_PORT) },
      { name: 'DATABASE', value: props.sqlDatabase },
      { name: 'APP_USER', valueFrom: fromSecret(secret, 'appUsername') },
      { name: 'RESTORE_MARKER', value: `pgfleet:${props.namespace}/${props.name}` },
    ];
    const dumpPrefix = { name: 'DUMP_PREFIX', value: patroniNames.dumpPrefix(props.source, props.sqlDatabase) };
    const template = backupPodTemplate({
      spec,
      database: props.database,
      generation: props.target,
      component: fresh ? 'upgrade' : 'restore',
      script: fresh ? UPGRADE_SCRIPT : RESTORE_SCRIPT,
      backupPvc: patroniNames.backupPvc(props.source),
      backupConf: fresh ? { configMap: patroniNames.backupConfig(props.source), key: `${props.sqlDatabase}.conf` } : undefined,
      // Exactly what the script (and, for the upgrade's dump, backup.sh -1) reads.
      env: fresh
        ? [...backupShEnv({ spec, secret, backupDir: `${BACKUP_MOUNT}upgrade-${props.target}/`, retention: 'keep' }), dumpPrefix, ...target]
        : [{ name: 'BACKUP_DIR', value: BACKUP_MOUNT }, dumpPrefix, ...props.selection.env(), ...target, ...superuserEnv(secret)],
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
