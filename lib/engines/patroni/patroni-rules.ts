/**
 * What changes to Patroni objects do, for `pgfleet diff` and `pgfleet plan`. The Jobs (one-off
 * dumps, restores, upgrades) have rules of their own (patroni-job-rules.ts).
 *
 * @see https://patroni.readthedocs.io/en/latest/kubernetes.html
 * @see https://github.com/BCDevOps/backup-container#backup-strategies (retention and pruning)
 */
import { step, type ChangeRule } from '../change-rule';
import { bootstrapIs, grows, KIND, lowered, raised, SAME_SIZE_CLAIM } from '../rule-conditions';
import { patroniJobRules } from './patroni-job-rules';

const { statefulSet: STATEFUL_SET, service: SERVICE, cronJob: CRON_JOB, pvc: PVC, networkPolicy: NETWORK_POLICY } = KIND;

const CONTAINER = 'spec.template.spec.containers[*]';
const JOB_CONTAINER = 'spec.jobTemplate.spec.template.spec.containers[*]';

const leaderUp = step.wait(
  (v) =>
    `\`kubectl -n ${v.namespace} rollout status statefulset/${v.name}\` completes and \`kubectl -n ${v.namespace} exec ${v.name}-0 ` +
    `-- patronictl -c /home/postgres/patroni.yml list\` shows a Leader (the leader Service ${v.name} selects it by \`role: master\`)`,
);
const cutover = [
  step.check(
    (v) =>
      `the restored data is what you expect: \`kubectl -n ${v.namespace} exec -it ${v.name}-0 -- psql -d <database>\` ` +
      `and look at the newest rows; the database comment names the restore Job (\`\\l+\`)`,
  ),
  step.followUp(
    (v) =>
      `set serving: ${v.name} — each consumer's ExternalSecret moves DATABASE_URL to host ${v.name} within a minute (same ` +
      `credentials Secret); restart the consumers so they reconnect. Only an app that reads DATABASE_URL from that Secret moves: ` +
      `one that takes its host elsewhere (hcap-server: POSTGRES_HOST in its DeploymentConfig) must be pointed at ${v.name} by hand`,
  ),
  step.followUp(
    (v) =>
      `once it runs, remove restoreFrom/upgradeFrom from ${v.name} (its Job leaves the output; ` +
      `the StatefulSet does not change), then list the old generation under retired`,
  ),
];

const retention: readonly ChangeRule[] = ['DAILY_BACKUPS', 'WEEKLY_BACKUPS', 'MONTHLY_BACKUPS', 'NUM_BACKUPS'].map((name) => ({
  kind: CRON_JOB,
  path: `${JOB_CONTAINER}.env[name=${name}].value`,
  when: lowered,
  class: 'destroys-data' as const,
  why: (v) =>
    `fewer dumps kept (${name} ${v.before} → ${v.after}): ` +
    `the next backup run prunes the oldest dumps beyond ${v.after} from the backup volume`,
  steps: [
    step.before(
      (v) =>
        `if an older dump may still be needed, copy it off the volume first ` +
        `(\`kubectl -n ${v.namespace} cp\` from a backup pod, or restore it into a new generation)`,
    ),
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
    why: (v) =>
      `new Patroni cluster ${v.name} beside the live one (${v.bootstrap ?? '<bootstrap>'}): it starts empty, ` +
      `then its restore Job loads the dump from ${v.source ?? '<source>'}'s backup volume; the live generation is not touched`,
    steps: [
      leaderUp,
      step.wait(
        (v) =>
          `\`kubectl -n ${v.namespace} wait job -l pgfleet.io/generation=${v.name},pgfleet.io/restore=new-generation ` +
          `--for=condition=Complete --timeout=6h\`; the log names the dump it loaded`,
      ),
      ...cutover,
    ],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'added',
    when: bootstrapIs('upgrade'),
    class: 'new-cluster',
    why: (v) =>
      `blue/green major upgrade: new Patroni cluster ${v.name} on the newer image; ` +
      `its upgrade Job dumps ${v.source ?? '<source>'} and loads the dump; ${v.source ?? '<source>'} is not touched`,
    steps: [
      step.before(
        (v) =>
          `stop the writers (scale the consumers to 0) if no write after the dump may be lost: ` +
          `the upgrade copies ${v.source ?? '<source>'} as of the dump`,
      ),
      step.before(
        () =>
          "the backup-container image's pg_dump must be at least the newer major (pg_dump refuses a newer server): synth checks backup.image's release (2.3.3 ships pg_dump 12, 2.12.0 and later 18)",
      ),
      leaderUp,
      step.wait(
        (v) =>
          `\`kubectl -n ${v.namespace} wait job -l pgfleet.io/generation=${v.name},pgfleet.io/restore=upgrade --for=condition=Complete ` +
          `--timeout=6h\``,
      ),
      step.manual(
        (v) =>
          `refresh planner statistics on the new cluster: ` +
          `\`kubectl -n ${v.namespace} exec ${v.name}-0 -- vacuumdb --all --analyze-in-stages\``,
      ),
      ...cutover,
    ],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'added',
    class: 'new-cluster',
    why: (v) => `new Patroni cluster ${v.name}: the image initialises it and its post_init creates the application user and database`,
    steps: [
      leaderUp,
      step.check(
        (v) =>
          `the first backup runs at the next schedule (\`kubectl -n ${v.namespace} get ` +
          `cronjobs -l pgfleet.io/generation=${v.name}\`); take one now with backup.onDemand.id`,
      ),
    ],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'removed',
    when: (_b, _a, c) => c.retiring,
    class: 'destroys-data',
    why: (v) =>
      `generation ${v.generation ?? '<generation>'} is retired: Pulumi lets go of StatefulSet ` +
      `${v.name} (retainOnDelete); its volumes and Patroni ConfigMaps stay until deleted by hand`,
    steps: [
      step.manual(
        (v) =>
          `once nothing reads ${v.name}: \`kubectl -n ${v.namespace} delete statefulset ${v.name}\`, ` +
          `then its volumes \`kubectl -n ${v.namespace} delete pvc -l pgfleet.io/generation=${v.name}\` (postgresql-${v.name}-<n>) ` +
          `and the DCS ConfigMaps \`kubectl -n ${v.namespace} delete configmap ${v.name}-config ${v.name}-leader ${v.name}-failover\``,
      ),
      step.manual(
        (v) =>
          `the backup volume ${v.name}-backup holds the last dumps of ${v.name}: ` +
          `keep it (Pulumi retains it) until they are no longer needed`,
      ),
    ],
  },
  {
    kind: STATEFUL_SET,
    path: '',
    on: 'removed',
    class: 'destroys-data',
    why: (v) =>
      `StatefulSet ${v.name} of live generation ${v.generation ?? '<generation>'} leaves the stack: ` +
      `Pulumi keeps it unmanaged (retainOnDelete); deleting it by hand stops the database, ` +
      `and its volumes hold the only copy since the last dump`,
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.volumeClaimTemplates',
    class: 'restart',
    why: (v) =>
      `claim templates cannot change on a StatefulSet: ` +
      `Kubernetes refuses the update and Pulumi would have to replace ${v.name}, which it refuses (protected)`,
    steps: [
      step.manual(
        (v) =>
          `grow each volume in place (the StorageClass must allow expansion): ` +
          `\`kubectl -n ${v.namespace} patch pvc postgresql-${v.name}-<n> -p ` +
          `'{"spec":{"resources":{"requests":{"storage":"<size>"}}}}'\``,
      ),
      step.manual(
        (v) =>
          `then let the StatefulSet be re-created around the running pods: ` +
          `\`kubectl -n ${v.namespace} delete statefulset ${v.name} --cascade=orphan\`, and \`pulumi up\` again`,
      ),
    ],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.replicas',
    when: raised,
    class: 'safe',
    why: (v) => `more Patroni members (${v.before} → ${v.after}): each new member copies the leader with pg_basebackup and streams from it`,
    steps: [leaderUp],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.replicas',
    class: 'safe',
    why: (v) =>
      `fewer Patroni members (${v.before} → ${v.after}): ` +
      `the highest-numbered pods stop (Patroni moves the leader off them first); their volumes stay`,
    steps: [
      step.manual(
        (v) => `delete the volumes of removed members when sure: \`kubectl -n ${v.namespace} delete pvc postgresql-${v.name}-<n>\``,
      ),
    ],
  },
  ...['POSTGRESQL_MAX_CONNECTIONS', 'POSTGRESQL_MAX_PREPARED_TRANSACTIONS', 'POSTGRESQL_MAX_LOCKS_PER_TRANSACTION'].map(
    (name): ChangeRule => ({
      kind: STATEFUL_SET,
      path: `${CONTAINER}.env[name=${name}]`,
      class: 'restart',
      why: (v) =>
        `${name} seeds Patroni's bootstrap configuration, ` +
        `read only when a cluster is created: the pods roll, but ${v.name} keeps its current value`,
      steps: [
        step.manual(
          (v) =>
            `change the running value with \`kubectl -n ${v.namespace} exec ${v.name}-0 -- patronictl -c ` +
            `/home/postgres/patroni.yml edit-config\` (then \`patronictl restart\` for a postmaster parameter)`,
        ),
      ],
    }),
  ),
  ...['APP_DATABASE', 'APP_USER', 'APP_PASSWORD'].map((name) => ({
    kind: STATEFUL_SET,
    path: `${CONTAINER}.env[name=${name}]`,
    class: 'restart' as const,
    why: () =>
      `${name} is read by the image's post_init only when a cluster is created: the pods roll, the database and its users stay as they are`,
  })),
  {
    kind: STATEFUL_SET,
    path: `${CONTAINER}.image`,
    class: 'restart',
    why: (v) =>
      `another image for the same major (${v.before} → ${v.after}): ` +
      `a rolling update from the highest pod down; Patroni fails the leader over when its pod restarts`,
    steps: [leaderUp],
  },
  {
    kind: STATEFUL_SET,
    path: 'spec.template',
    class: 'restart',
    why: (v) =>
      `the pod template changes: a rolling update of ${v.name}, one member at a time; connections to the leader drop when it restarts`,
    steps: [leaderUp],
  },

  // --- Service: the leader endpoint consumers use ------------------------------------------
  {
    kind: SERVICE,
    path: 'spec.selector',
    class: 'downtime',
    why: (v) => `the leader Service selects other pods: connections to ${v.name} break and may reach a replica or nothing`,
  },

  // --- Backups ------------------------------------------------------------------------------
  ...retention,
  {
    kind: CRON_JOB,
    path: 'spec.suspend',
    when: (_b, a) => a === true,
    class: 'safe',
    why: (v) =>
      `backups of ${v.generation ?? '<generation>'} are paused (a destructive restore is under way): no dumps are taken until they resume`,
  },
  {
    kind: CRON_JOB,
    path: 'spec.suspend',
    class: 'safe',
    why: (v) => `backups of ${v.generation ?? '<generation>'} resume`,
  },
  {
    kind: CRON_JOB,
    path: '',
    on: 'removed',
    class: 'safe',
    why: () => 'no more dumps of this generation; its backup volume keeps the dumps taken so far',
  },
  {
    kind: CRON_JOB,
    path: 'spec',
    class: 'safe',
    why: () => 'backup schedule or settings change; the next run uses them',
  },
  {
    kind: PVC,
    path: '',
    on: 'removed',
    dataBearing: true,
    class: 'destroys-data',
    why: (v) =>
      `backup volume ${v.name} leaves the stack: Pulumi retains it, ` +
      `but deleting it deletes every dump of ${v.generation ?? '<generation>'}`,
    steps: [
      step.manual(
        (v) =>
          `delete it only when no restore from ${v.generation ?? '<generation>'} ` +
          `can be needed: \`kubectl -n ${v.namespace} delete pvc ${v.name}\``,
      ),
    ],
  },
  {
    kind: PVC,
    path: 'spec.resources.requests.storage',
    when: grows,
    class: 'safe',
    why: (v) => `the volume grows (${v.before} → ${v.after}) if its StorageClass allows expansion`,
  },
  SAME_SIZE_CLAIM,
  {
    kind: PVC,
    path: 'spec.resources.requests.storage',
    class: 'destroys-data',
    why: (v) =>
      `the volume would shrink (${v.before} → ${v.after}): Kubernetes refuses it, and a new claim of that size starts empty (synth refuses it)`,
  },

  // --- Jobs: one-off dumps, restores, upgrades (patroni-job-rules.ts) --------------------------
  ...patroniJobRules,

  // --- Network ------------------------------------------------------------------------------
  {
    kind: NETWORK_POLICY,
    path: 'spec.ingress',
    class: 'safe',
    why: (v) =>
      `who may reach ${v.generation ?? '<generation>'} changes: ` +
      `pods no longer matched lose their connections (check network.clients lists every consumer)`,
  },
];
