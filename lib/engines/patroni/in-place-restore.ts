import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ScaleJob } from '../../constructs/scale-job';
import { backedUpDatabases, type PatroniDatabaseSpec, type PatroniScaleTarget } from './patroni-schema';
import { patroniNames } from './patroni-names';
import { dumpStamp } from './patroni-restore-schema';
import { TargetTime } from '../../config/target-time';
import type { BackupSchedule } from './backup-schedule';
import { DumpRestoreJob, DumpSelection } from './dump-restore-job';
import type { PatroniSecret } from './patroni-credentials';

export interface InPlaceRestoreProps {
  readonly spec: PatroniDatabaseSpec;
  /** The database name in the fleet. */
  readonly database: string;
  readonly namespace: string;
  /** The live generation's backups (its CronJobs are suspended by the caller). */
  readonly schedule: BackupSchedule;
  readonly scaleDown: readonly PatroniScaleTarget[];
  readonly secret: PatroniSecret;
}

const KIND: Record<PatroniScaleTarget['kind'], { group: string; resource: string; arg: string }> = {
  Deployment: { group: 'apps', resource: 'deployments', arg: 'deployment' },
  StatefulSet: { group: 'apps', resource: 'statefulsets', arg: 'statefulset' },
  DeploymentConfig: { group: 'apps.openshift.io', resource: 'deploymentconfigs', arg: 'deploymentconfig' },
};

/**
 * The destructive variant of a restore, over a live generation (what `backup.sh -r` does), as
 * ordered objects: a dump of every database first (to a folder of its own, so the retention of
 * the regular dumps prunes nothing), then the generation's backup CronJobs suspended (the caller
 * renders them with `suspend: true` and they depend on these dumps), then the listed workloads
 * scaled to zero by a kubectl Job whose Role may only read and scale those workloads, then the
 * restore Jobs. Scaling back up stays manual: pgfleet does not know the replica counts to restore.
 */
export class InPlaceRestore extends Construct {
  /** The last step's Jobs. */
  public readonly restoreJobs: readonly k8s.KubeJob[];

  constructor(scope: Construct, id: string, props: InPlaceRestoreProps) {
    super(scope, id);
    const { spec, namespace, schedule } = props;
    const r = spec.inPlaceRestore!;
    const gen = r.generation;
    const dbs = backedUpDatabases(spec);

    const preBackups = dbs.map((d) =>
      schedule.job(this, `PreRestore-${d}`, patroniNames.preRestoreJob(gen, d, r.id), d, `/backups/pre-restore-${r.id}/`),
    );
    for (const cron of schedule.cronJobs.values()) for (const job of preBackups) cron.node.addDependency(job);

    // Dependencies are declared on the objects themselves: the renderer reads each object's own.
    let before: Construct[] = [...schedule.cronJobs.values()];
    if (props.scaleDown.length) {
      const scale = this.scaleDown(namespace, patroniNames.scaleDown(gen, r.id), gen, props.scaleDown, r.kubectlImage, spec.platform);
      for (const c of before) scale.node.addDependency(c);
      before = [scale];
    }

    const selection =
      r.backupFile !== undefined
        ? DumpSelection.file(r.backupFile)
        : DumpSelection.before(dumpStamp(TargetTime.parse(r.targetTime!)!, spec.backup.timeZone));
    this.restoreJobs = dbs.map((d) => {
      const job = new DumpRestoreJob(this, `Restore-${d}`, {
        spec,
        database: props.database,
        namespace,
        name: patroniNames.inPlaceRestoreJob(gen, d, r.id),
        kind: 'in-place',
        source: gen,
        target: gen,
        sqlDatabase: d,
        selection,
        secret: props.secret,
      });
      for (const b of before) job.job.node.addDependency(b);
      return job.job;
    });
  }

  /** ServiceAccount, Role (get + scale of the named workloads only), RoleBinding and the kubectl Job. */
  private scaleDown(
    namespace: string,
    name: string,
    gen: string,
    targets: readonly PatroniScaleTarget[],
    image: string,
    platform: PatroniDatabaseSpec['platform'],
  ): k8s.KubeJob {
    const step = new Construct(this, 'ScaleDown');
    const labels = { 'pgfleet.io/generation': gen };
    const metadata = { name, namespace, labels };
    const byKind = new Map<PatroniScaleTarget['kind'], string[]>();
    for (const t of targets) byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), t.name]);
    const rules = [...byKind.entries()].flatMap(([kind, names]) => {
      const k = KIND[kind];
      const resourceNames = [...new Set(names)].sort();
      return [
        { apiGroups: [k.group], resources: [k.resource], resourceNames, verbs: ['get'] },
        { apiGroups: [k.group], resources: [`${k.resource}/scale`], resourceNames, verbs: ['get', 'patch', 'update'] },
      ];
    });
    new k8s.KubeServiceAccount(step, 'ServiceAccount', { metadata });
    new k8s.KubeRole(step, 'Role', { metadata, rules });
    new k8s.KubeRoleBinding(step, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });
    const job = new ScaleJob(step, 'Job', {
      name,
      namespace,
      labels: { ...labels, 'pgfleet.io/restore': 'scale-down' },
      podLabels: { ...labels, 'app.kubernetes.io/component': 'scale-down' },
      serviceAccountName: name,
      image,
      steps: [
        {
          name: 'scale',
          args: ['scale', `--namespace=${namespace}`, '--replicas=0', ...targets.map((t) => `${KIND[t.kind].arg}/${t.name}`)],
        },
      ],
      pinIds: platform === 'kubernetes',
      activeDeadlineSeconds: 600,
      invocation: 'command',
    }).job;
    // The Job needs its ServiceAccount's rights before it starts.
    job.node.addDependency(step.node.findChild('RoleBinding'));
    return job;
  }
}
