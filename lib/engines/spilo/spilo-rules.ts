import { step, type ChangeRule } from '../change-rule';
import { bootstrapIs } from '../rule-conditions';

/** Helm values files are reviewed as objects of this kind; paths are the values' own. */
const VALUES = 'pgfleet.io/v1 HelmValues';

/** Variables of Spilo's CLONE_WITH_WALE bootstrap that pgfleet writes (spilo-clone.ts). */
const CLONE_KEYS = [
  'CLONE_METHOD',
  'CLONE_SCOPE',
  'CLONE_WALG_GS_PREFIX',
  'CLONE_WALE_GS_PREFIX',
  'CLONE_GOOGLE_APPLICATION_CREDENTIALS',
  'CLONE_USE_WALG_BACKUP',
  'CLONE_USE_WALG_RESTORE',
  'CLONE_TARGET_TIME',
];

/** The variables of Spilo's rule texts beyond the common ones (spilo.reviewVars). */
export interface SpiloReviewVars {
  /** The SQL database the checks connect to (`RuleVars.database` is the fleet entry's name). */
  readonly dbname: string;
}

const watchBootstrap = [
  step.wait(
    (v) =>
      `Watch the bootstrap: \`kubectl -n ${v.namespace} logs -f ${v.name}-0\` shows clone_with_wale fetching ` +
      `a base backup from the source prefix and replaying WAL; \`kubectl -n ${v.namespace} exec ${v.name}-0 ` +
      `-- patronictl list\` then shows a Leader, and the replicas once their basebackup finishes.`,
  ),
  step.check(
    (v) =>
      `Check that it archives to its own prefix: Spilo takes a first base backup when the leader is up; ` +
      `\`kubectl -n ${v.namespace} exec ${v.name}-0 -- envdir /run/etc/wal-e.d/env wal-g backup-list\` ` +
      `lists it (WALG_GS_PREFIX in that envdir is the new prefix, never the source's).`,
  ),
];

const afterNewScope = [
  step.followUp(
    (v) =>
      `Follow-up change: set serving: ${v.name} — each consumer's ExternalSecret moves to Secret ` +
      `${v.name} (new host and passwords) within a minute; restart the consumers so they read it.`,
  ),
  step.followUp(
    (v) =>
      `Follow-up change once it runs: remove restoreFrom/upgradeFrom from ${v.name} (its CLONE_* variables ` +
      `leave the values: one rolling restart, no new bootstrap), then list the old generation under retired.`,
  ),
];

const retainedVolumes = (what: string) => [
  step.wait((v) => `Pulumi drops release ${v.name} from its state but leaves it installed (retainOnDelete): ${what}`),
  step.manual(
    (v) =>
      `Uninstall it by hand when sure: \`helm -n ${v.namespace} uninstall ${v.name}\`. Helm leaves the data behind: ` +
      `PVCs \`storage-volume-${v.name}-<n>\` and Patroni's ConfigMaps \`${v.name}-config\`, \`${v.name}-leader\`, ` +
      `\`${v.name}-failover\` (and \`${v.name}-sync\`); delete them after a last look (\`kubectl -n ${v.namespace} get pvc,configmap ` +
      `-l app=${v.name}\`).`,
  ),
  step.wait(
    () =>
      "The generation's WAL-G prefix (its `archive` in pgfleet-state.json) stays in GCS until a bucket lifecycle rule or " +
      '`wal-g delete` removes it: once the PVCs are gone it is the only copy.',
  ),
];

/**
 * What changes to a Spilo generation's chart values do (`pgfleet diff`, `pgfleet plan`). A
 * generation is one Helm release: most value changes roll the StatefulSet (Patroni switches the
 * leader over in preStop); scope, archive and DCS store are fixed for its life (synth refuses
 * changing them, the rules say why if one slips through).
 */
export const spiloChangeRules: readonly ChangeRule<SpiloReviewVars>[] = [
  {
    kind: VALUES,
    path: '',
    on: 'added',
    when: bootstrapIs('restore'),
    class: 'new-cluster',
    why: (v) =>
      `new Patroni scope ${v.name} beside the live one: ${v.bootstrap ?? '<bootstrap>'}, ` +
      `archiving to its own WAL-G prefix; the live release is not touched`,
    steps: [
      step.wait(
        (v) =>
          `\`pulumi up\` installs release ${v.name} (StatefulSet, Service and Secret ${v.name}, ` +
          `PVCs storage-volume-${v.name}-<n>); Spilo clones with CLONE_WITH_WALE from the source scope's prefix, which it only reads.`,
      ),
      ...watchBootstrap,
      step.check(
        (v) =>
          `Check the recovery point before cutover: \`kubectl -n ${v.namespace} exec -it ${v.name}-0 -- psql -U ` +
          `postgres -d ${v.engine?.dbname ?? '<database>'}\` and query the newest rows you expect at the target time; ` +
          `a target after the end of the archive silently recovers to the end of WAL on PostgreSQL 13+.`,
      ),
      ...afterNewScope,
    ],
  },
  {
    kind: VALUES,
    path: '',
    on: 'added',
    when: bootstrapIs('upgrade'),
    class: 'new-cluster',
    why: (v) =>
      `blue/green major upgrade: new Patroni scope ${v.name} (${v.bootstrap ?? '<bootstrap>'}) on the new major; ` +
      `Spilo clones the live scope's archive and pg_upgrades the copy, the live release is not touched`,
    steps: [
      step.before(
        (v) =>
          `Before \`pulumi up\`: stop the writers (scale the consumers to 0) — ` +
          `the clone replays the archive to its end, so writes after that are not in ${v.name}.`,
      ),
      step.wait(
        () =>
          'On the live leader run `SELECT pg_switch_wal();` and wait until `SELECT last_archived_wal, last_archived_time ' +
          'FROM pg_stat_archiver;` shows that segment archived (otherwise the last writes wait for archive_timeout, 30 min).',
      ),
      step.wait(
        (v) =>
          `\`pulumi up\` installs release ${v.name}; the bootstrap log shows the clone, ` +
          `then maybe_pg_upgrade running pg_upgrade before the leader starts.`,
      ),
      ...watchBootstrap,
      step.wait(
        (v) =>
          `After the upgrade: \`vacuumdb -U postgres --all --analyze-in-stages\` on ${v.name}-0 ` +
          `(pg_upgrade keeps no statistics) and update extensions (\`ALTER EXTENSION ... UPDATE\`).`,
      ),
      ...afterNewScope,
    ],
  },
  {
    kind: VALUES,
    path: '',
    on: 'added',
    when: bootstrapIs('initdb'),
    class: 'new-cluster',
    why: (v) => `new Patroni scope ${v.name}, empty (initdb), archiving to its own WAL-G prefix`,
    steps: [
      step.wait(
        (v) =>
          `\`pulumi up\` installs release ${v.name}; ` +
          `\`kubectl -n ${v.namespace} exec ${v.name}-0 -- patronictl list\` shows a Leader once it is up.`,
      ),
      step.wait(
        () =>
          'The Secret with the GCP key (walE.kubernetesSecret, key credentials.json) and the bucket must exist before; ' +
          'the first base backup then appears in `wal-g backup-list` (envdir /run/etc/wal-e.d/env).',
      ),
    ],
  },
  {
    kind: VALUES,
    path: '',
    on: 'removed',
    class: 'destroys-data',
    why: (v) => `generation ${v.name} retired: its release, volumes and DCS ConfigMaps go once removed by hand`,
    steps: retainedVolumes('the database keeps running until it is uninstalled.'),
  },
  {
    kind: VALUES,
    path: 'env.PGVERSION',
    on: 'changed',
    class: 'irreversible',
    why: (v) =>
      `PGVERSION ${v.before} → ${v.after} on a running scope: Spilo would pg_upgrade it in place, ` +
      `a new timeline 1 in the same WAL prefix (pgfleet refuses this; use upgradeFrom)`,
  },
  ...CLONE_KEYS.map((key): ChangeRule => ({
    kind: VALUES,
    path: `env.${key}`,
    on: 'removed',
    class: 'restart',
    why: () =>
      `${key} leaves a running scope after its clone: ` +
      `Patroni does not bootstrap again (the DCS holds the scope's initialize key); the pods restart one at a time`,
    steps: [
      step.check(
        (v) =>
          `Check \`kubectl -n ${v.namespace} exec ${v.name}-0 -- patronictl list\` ` +
          `shows every member running again after the rolling restart.`,
      ),
    ],
  })),
  ...CLONE_KEYS.map((key): ChangeRule => ({
    kind: VALUES,
    path: `env.${key}`,
    on: 'any',
    when: (_b, after, c) => !c.newGeneration && after !== undefined,
    class: 'no-op',
    why: () =>
      `${key} on an existing scope changes nothing but a rolling restart: ` +
      `Spilo reads CLONE_* only when it bootstraps (pgfleet refuses this; add a new generation)`,
  })),
  {
    kind: VALUES,
    path: 'replicaCount',
    on: 'changed',
    class: 'safe',
    why: (v) => `replicas ${v.before} → ${v.after}: new members bootstrap from the leader or WAL-G; removed members' PVCs stay`,
    steps: [
      step.wait(
        (v) =>
          `Scaling down leaves PVCs storage-volume-${v.name}-<n> of the removed members: delete them by hand if they are not coming back.`,
      ),
    ],
  },
  {
    kind: VALUES,
    path: 'image',
    class: 'restart',
    why: () => 'new image: the StatefulSet rolls, Patroni switches the leader over before it stops (preStop)',
  },
  {
    kind: VALUES,
    path: 'persistentVolume.size',
    on: 'changed',
    class: 'restart',
    why: (v) =>
      `volume size ${v.before} → ${v.after}: a StatefulSet's volumeClaimTemplates cannot change, ` +
      `so the Helm upgrade fails until the StatefulSet is recreated`,
    steps: [
      step.wait(
        (v) =>
          `Grow each PVC first (the storage class must allow expansion): \`kubectl -n ${v.namespace} patch pvc ` +
          `storage-volume-${v.name}-<n> -p '{"spec":{"resources":{"requests":{"storage":"${v.after}"}}}}'\`.`,
      ),
      step.wait(
        (v) =>
          `Then \`kubectl -n ${v.namespace} delete statefulset ${v.name} --cascade=orphan\` ` +
          `(pods and PVCs stay) and \`pulumi up\` recreates it with the new template.`,
      ),
    ],
  },
  {
    kind: VALUES,
    path: 'persistentVolume.storageClass',
    class: 'restart',
    why: (v) =>
      `storage class ${v.before} → ${v.after} applies only to volumes created later, ` +
      `and the Helm upgrade fails until the StatefulSet is recreated; to move the data, restore into a new generation`,
    steps: [step.wait((v) => `\`kubectl -n ${v.namespace} delete statefulset ${v.name} --cascade=orphan\`, then \`pulumi up\`.`)],
  },
  {
    kind: VALUES,
    path: 'walE.gcsBucket',
    class: 'irreversible',
    why: () =>
      'the WAL-G bucket of a running scope: its history would continue elsewhere and restores read one prefix only (pgfleet refuses this)',
  },
  {
    kind: VALUES,
    path: 'walE.gcsBucketBackupLocation',
    class: 'irreversible',
    why: () =>
      'the WAL-G prefix of a running scope: its history would continue elsewhere and restores read one prefix only (pgfleet refuses this)',
  },
  {
    kind: VALUES,
    path: 'walE.retainBackups',
    when: (b, a) => typeof b === 'number' && typeof a === 'number' && a < b,
    class: 'destroys-data',
    why: (v) =>
      `fewer days of base backups (${v.before} → ${v.after}): ` +
      `the next backup run deletes older backups and their WAL; no restore can reach back further`,
    plus: [{ class: 'restart', why: () => 'WAL-G settings are Spilo environment: the pods restart one at a time' }],
    steps: [
      step.before(
        () =>
          'if a restore to an older point might still be needed, ' +
          'keep the longer retention until it is not (`wal-g backup-list` shows what would go)',
      ),
    ],
  },
  { kind: VALUES, path: 'walE', class: 'restart', why: () => 'WAL-G settings are Spilo environment: the pods restart one at a time' },
  {
    kind: VALUES,
    path: 'kubernetes',
    class: 'downtime',
    why: () => 'another DCS store for a running scope: Patroni finds no leader or initialize key there (pgfleet refuses this)',
  },
  { kind: VALUES, path: 'env', class: 'restart', why: (v) => `Spilo environment ${v.before} → ${v.after}: the pods restart one at a time` },
  { kind: VALUES, path: 'resources', class: 'restart', why: () => 'new requests/limits: the pods restart one at a time' },
  {
    kind: VALUES,
    path: '@postRender',
    class: 'restart',
    why: () => "pgfleet's post-render of the chart changes the StatefulSet's pod template: the pods restart one at a time",
  },
  {
    kind: VALUES,
    path: 'credentials',
    class: 'no-op',
    why: () => 'the chart creates its Secret once, at install (pre-install hook): later changes do not reach it',
  },
  {
    kind: VALUES,
    path: 'fullnameOverride',
    on: 'changed',
    class: 'new-cluster',
    why: () =>
      'another scope name: new StatefulSet, PVCs and DCS keys, ' +
      'an empty cluster (pgfleet never renders this: the scope is the generation name)',
  },
  {
    kind: 'networking.k8s.io/v1 NetworkPolicy',
    path: 'spec.ingress',
    class: 'safe',
    why: (v) => `who may connect to ${v.generation ?? '<generation>'} changes; established connections are not cut by every network plugin`,
  },
];
