/**
 * What changes to Patroni objects do, for `pgfleet diff` and `pgfleet plan`.
 *
 * @see https://patroni.readthedocs.io/en/latest/kubernetes.html
 * @see https://github.com/BCDevOps/backup-container#backup-strategies (retention and pruning)
 */
import type { ChangeContext, ChangeRule } from '../change-rule';
import { bootstrapIs, KIND, lowered, raised } from '../rule-conditions';

const { statefulSet: STATEFUL_SET, service: SERVICE, cronJob: CRON_JOB, job: JOB, pvc: PVC, networkPolicy: NETWORK_POLICY } = KIND;

const restoreKind = (kind: string) => (_b: unknown, _a: unknown, c: ChangeContext) =>
  (c.after ?? c.before)?.metadata?.labels?.['pgfleet.io/restore'] === kind;

/** kubectl's name for each kind a scale-down Job may stop (schema `inPlaceRestore.scaleDown[].kind`). */
const SCALED: Record<string, string> = { deployment: 'Deployment', deploymentconfig: 'DeploymentConfig', statefulset: 'StatefulSet' };

/** The kinds (kubectl's names) a scale-down Job stops: its command ends in `<kind>/<name>` arguments. */
function scaledKinds(c: ChangeContext): string[] {
  const command: unknown = (c.after ?? c.before)?.spec?.template?.spec?.containers?.[0]?.command;
  if (!Array.isArray(command)) return [];
  return [...new Set(command.filter((a): a is string => typeof a === 'string' && /^[a-z]+\/[^/]+$/.test(a)).map((a) => a.split('/')[0]))];
}

const scaleDown = restoreKind('scale-down');
const pauseDeploys = 'before: pause any deploy pipeline that would scale the consumers of {{generation}} up again while the restore runs';
const scaleUp = (what: string, arg: string) =>
  `manual: once the restored data is checked, scale each ${what} the Job {{name}} stopped back up: \`kubectl -n {{namespace}} scale ${arg}/<name> --replicas=<n>\` (its command lists them; pgfleet does not know their replica counts)`;

/** The scale-down Job of an in-place restore, in the words of the kind it stops. */
const scaleDownRules: readonly ChangeRule[] = [
  ...Object.entries(SCALED).map(([arg, kind]) => ({
    kind: JOB,
    path: '',
    on: 'added' as const,
    when: (b: unknown, a: unknown, c: ChangeContext) => scaleDown(b, a, c) && scaledKinds(c).join() === arg,
    class: 'downtime' as const,
    why: `Job {{name}} scales the consumers of {{generation}} (${kind}) to zero before the restore`,
    steps: [pauseDeploys, scaleUp(kind, arg)],
  })),
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: scaleDown,
    class: 'downtime',
    why: 'Job {{name}} scales the consumers of {{generation}} to zero before the restore',
    steps: [pauseDeploys, scaleUp('workload (Deployment, DeploymentConfig or StatefulSet)', '<kind>')],
  },
];

const CONTAINER = 'spec.template.spec.containers[*]';
const JOB_CONTAINER = 'spec.jobTemplate.spec.template.spec.containers[*]';

const leaderUp =
  'wait: `kubectl -n {{namespace}} rollout status statefulset/{{name}}` completes and `kubectl -n {{namespace}} exec {{name}}-0 -- patronictl -c /home/postgres/patroni.yml list` shows a Leader (the leader Service {{name}} selects it by `role: master`)';
const cutover = [
  'check: the restored data is what you expect: `kubectl -n {{namespace}} exec -it {{name}}-0 -- psql -d <database>` and look at the newest rows; the database comment names the restore Job (`\\l+`)',
  "follow-up: set serving: {{name}} — each consumer's ExternalSecret moves DATABASE_URL to host {{name}} within a minute (same credentials Secret); restart the consumers so they reconnect. Only an app that reads DATABASE_URL from that Secret moves: one that takes its host elsewhere (hcap-server: POSTGRES_HOST in its DeploymentConfig) must be pointed at {{name}} by hand",
  'follow-up: once it runs, remove restoreFrom/upgradeFrom from {{name}} (its Job leaves the output; the StatefulSet does not change), then list the old generation under retired',
];

const retention: readonly ChangeRule[] = ['DAILY_BACKUPS', 'WEEKLY_BACKUPS', 'MONTHLY_BACKUPS', 'NUM_BACKUPS'].map((name) => ({
  kind: CRON_JOB,
  path: `${JOB_CONTAINER}.env[name=${name}].value`,
  when: lowered,
  class: 'destroys-data' as const,
  why: `fewer dumps kept (${name} {{before}} → {{after}}): the next backup run prunes the oldest dumps beyond {{after}} from the backup volume`,
  steps: [
    'before: if an older dump may still be needed, copy it off the volume first (`kubectl -n {{namespace}} cp` from a backup pod, or restore it into a new generation)',
  ],
}));

/**
 * The rules. Data is a StatefulSet's claim volumes and the backup volume; restores and upgrades
 * are Jobs that load a dump (in-place ones drop the live database first).
 */
export const patroniChangeRules: readonly ChangeRule[] = [
  // --- StatefulSet: the generation's Patroni members ----------------------------------------
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'added',
    when: bootstrapIs('restore'),
    class: 'new-cluster',
    why: "new Patroni cluster {{name}} beside the live one ({{bootstrap}}): it starts empty, then its restore Job loads the dump from {{source}}'s backup volume; the live generation is not touched",
    steps: [
      leaderUp,
      'wait: `kubectl -n {{namespace}} wait job -l pgfleet.io/generation={{name}},pgfleet.io/restore=new-generation --for=condition=Complete --timeout=6h`; the log names the dump it loaded',
      ...cutover,
    ],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'added',
    when: bootstrapIs('upgrade'),
    class: 'new-cluster',
    why: 'blue/green major upgrade: new Patroni cluster {{name}} on the newer image; its upgrade Job dumps {{source}} and loads the dump; {{source}} is not touched',
    steps: [
      'before: stop the writers (scale the consumers to 0) if no write after the dump may be lost: the upgrade copies {{source}} as of the dump',
      "before: the backup-container image's pg_dump must be at least the newer major (pg_dump refuses a newer server, psql loads into one)",
      leaderUp,
      'wait: `kubectl -n {{namespace}} wait job -l pgfleet.io/generation={{name}},pgfleet.io/restore=upgrade --for=condition=Complete --timeout=6h`',
      'manual: refresh planner statistics on the new cluster: `kubectl -n {{namespace}} exec {{name}}-0 -- vacuumdb --all --analyze-in-stages`',
      ...cutover,
    ],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'added',
    class: 'new-cluster',
    why: 'new Patroni cluster {{name}}: the image initialises it and its post_init creates the application user and database',
    steps: [
      leaderUp,
      'check: the first backup runs at the next schedule (`kubectl -n {{namespace}} get cronjobs -l pgfleet.io/generation={{name}}`); take one now with backup.onDemand.id',
    ],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'removed',
    when: (_b, _a, c) => c.retiring,
    class: 'destroys-data',
    why: 'generation {{generation}} is retired: Pulumi lets go of StatefulSet {{name}} (retainOnDelete); its volumes and Patroni ConfigMaps stay until deleted by hand',
    steps: [
      'manual: once nothing reads {{name}}: `kubectl -n {{namespace}} delete statefulset {{name}}`, then its volumes `kubectl -n {{namespace}} delete pvc -l pgfleet.io/generation={{name}}` (postgresql-{{name}}-<n>) and the DCS ConfigMaps `kubectl -n {{namespace}} delete configmap {{name}}-config {{name}}-leader {{name}}-failover`',
      'manual: the backup volume {{name}}-backup holds the last dumps of {{name}}: keep it (Pulumi retains it) until they are no longer needed',
    ],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'removed',
    class: 'destroys-data',
    why: 'StatefulSet {{name}} of live generation {{generation}} leaves the stack: Pulumi keeps it unmanaged (retainOnDelete); deleting it by hand stops the database, and its volumes hold the only copy since the last dump',
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.volumeClaimTemplates',
    class: 'restart',
    why: 'claim templates cannot change on a StatefulSet: Kubernetes refuses the update and Pulumi would have to replace {{name}}, which it refuses (protected)',
    steps: [
      'manual: grow each volume in place (the StorageClass must allow expansion): `kubectl -n {{namespace}} patch pvc postgresql-{{name}}-<n> -p \'{"spec":{"resources":{"requests":{"storage":"<size>"}}}}\'`',
      'manual: then let the StatefulSet be re-created around the running pods: `kubectl -n {{namespace}} delete statefulset {{name}} --cascade=orphan`, and `pulumi up` again',
    ],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.replicas',
    when: raised,
    class: 'safe',
    why: 'more Patroni members ({{before}} → {{after}}): each new member copies the leader with pg_basebackup and streams from it',
    steps: [leaderUp],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.replicas',
    class: 'safe',
    why: 'fewer Patroni members ({{before}} → {{after}}): the highest-numbered pods stop (Patroni moves the leader off them first); their volumes stay',
    steps: ['manual: delete the volumes of removed members when sure: `kubectl -n {{namespace}} delete pvc postgresql-{{name}}-<n>`'],
  },
  ...['POSTGRESQL_MAX_CONNECTIONS', 'POSTGRESQL_MAX_PREPARED_TRANSACTIONS', 'POSTGRESQL_MAX_LOCKS_PER_TRANSACTION'].map((name) => ({
    kind: STATEFUL_SET,
    path: `${CONTAINER}.env[name=${name}]`,
    class: 'restart' as const,
    why: `${name} seeds Patroni's bootstrap configuration, read only when a cluster is created: the pods roll, but {{name}} keeps its current value`,
    steps: [
      'manual: change the running value with `kubectl -n {{namespace}} exec {{name}}-0 -- patronictl -c /home/postgres/patroni.yml edit-config` (then `patronictl restart` for a postmaster parameter)',
    ],
  })),
  ...['APP_DATABASE', 'APP_USER', 'APP_PASSWORD'].map((name) => ({
    kind: STATEFUL_SET,
    path: `${CONTAINER}.env[name=${name}]`,
    class: 'restart' as const,
    why: `${name} is read by the image's post_init only when a cluster is created: the pods roll, the database and its users stay as they are`,
  })),
  {
    kind: STATEFUL_SET,
    path: `${CONTAINER}.image`,
    class: 'restart',
    why: 'another image for the same major ({{before}} → {{after}}): a rolling update from the highest pod down; Patroni fails the leader over when its pod restarts',
    steps: [leaderUp],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.template',
    class: 'restart',
    why: 'the pod template changes: a rolling update of {{name}}, one member at a time; connections to the leader drop when it restarts',
    steps: [leaderUp],
  },

  // --- Service: the leader endpoint consumers use ------------------------------------------
  {
    kind: SERVICE,
    path: 'spec.selector',
    class: 'downtime',
    why: 'the leader Service selects other pods: connections to {{name}} break and may reach a replica or nothing',
  },

  // --- Backups ------------------------------------------------------------------------------
  ...retention,
  {
    kind: CRON_JOB,
    path: 'spec.suspend',
    when: (_b, a) => a === true,
    class: 'safe',
    why: 'backups of {{generation}} are paused (a destructive restore is under way): no dumps are taken until they resume',
  },
  {
    kind: CRON_JOB,
    path: 'spec.suspend',
    class: 'safe',
    why: 'backups of {{generation}} resume',
  },
  {
    kind: CRON_JOB,
    path: '',
    on: 'removed',
    class: 'safe',
    why: 'no more dumps of this generation; its backup volume keeps the dumps taken so far',
  },
  {
    kind: CRON_JOB,
    path: 'spec',
    class: 'safe',
    why: 'backup schedule or settings change; the next run uses them',
  },
  {
    kind: PVC,
    path: '',
    on: 'removed',
    dataBearing: true,
    class: 'destroys-data',
    why: 'backup volume {{name}} leaves the stack: Pulumi retains it, but deleting it deletes every dump of {{generation}}',
    steps: ['manual: delete it only when no restore from {{generation}} can be needed: `kubectl -n {{namespace}} delete pvc {{name}}`'],
  },
  {
    kind: PVC,
    path: 'spec.resources.requests.storage',
    class: 'safe',
    why: 'the volume grows ({{before}} → {{after}}) if its StorageClass allows expansion; volumes never shrink (synth refuses it)',
  },

  // --- Jobs: one-off backups, restores, upgrades -----------------------------------------------
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: restoreKind('in-place'),
    class: 'destroys-data',
    why: 'destructive restore of {{generation}}: Job {{name}} drops the live database and loads an older dump over it; every write since that dump is lost',
    steps: [
      'before: `pulumi up` runs it in this order (dependencies): a dump of every database to /backups/pre-restore-<id>/, the backup CronJobs suspended, the listed workloads scaled to zero, then the restore Job {{name}}',
      'wait: `kubectl -n {{namespace}} wait job/{{name}} --for=condition=Complete --timeout=6h`; its log names the dump it loaded, and refuses to start while sessions still use the database',
      'check: the data is what you expect; if not, restore the pre-restore dump the same way (a new inPlaceRestore id with its backupFile)',
      'follow-up: remove inPlaceRestore and its acknowledge entry from the stack: the backup CronJobs resume and the Jobs leave the output',
    ],
  },
  ...scaleDownRules,
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: restoreKind('new-generation'),
    class: 'new-cluster',
    why: 'Job {{name}} loads a dump of {{source}} into the new generation {{generation}} once its leader is up',
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    when: restoreKind('upgrade'),
    class: 'new-cluster',
    why: 'Job {{name}} dumps {{source}} and loads the dump into the new generation {{generation}} on the newer major',
  },
  {
    kind: JOB,
    path: '',
    on: 'added',
    class: 'safe',
    why: 'one-off dump Job {{name}}: it runs once (an on-demand dump lands beside the scheduled ones, a pre-restore dump in a folder of its own)',
    steps: ['wait: `kubectl -n {{namespace}} wait job/{{name}} --for=condition=Complete --timeout=30m`; its log names the file written'],
  },
  {
    kind: JOB,
    path: '',
    on: 'removed',
    class: 'safe',
    why: 'a finished Job leaves the output; nothing runs again',
  },
  {
    kind: JOB,
    path: 'spec',
    class: 'safe',
    why: 'Jobs cannot change: Pulumi replaces {{name}}; a restore Job finds its own mark on the database and loads nothing again',
  },

  // --- Network ------------------------------------------------------------------------------
  {
    kind: NETWORK_POLICY,
    path: 'spec.ingress',
    class: 'safe',
    why: 'who may reach {{generation}} changes: pods no longer matched lose their connections (check network.clients lists every consumer)',
  },
];
