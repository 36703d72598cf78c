import type { ChangeRule } from '../change-rule';
import { bootstrapIs } from '../rule-conditions';

/** Helm values files are reviewed as objects of this kind; paths are the values' own. */
const VALUES = 'pgfleet.io/v1 HelmValues';

/** Variables of Spilo's CLONE_WITH_WALE bootstrap that pgfleet writes (spilo-clone.ts). */
const CLONE_KEYS = [
  'CLONE_METHOD',
  'CLONE_SCOPE',
  'CLONE_WALG_GS_PREFIX',
  'CLONE_GOOGLE_APPLICATION_CREDENTIALS',
  'CLONE_USE_WALG_BACKUP',
  'CLONE_USE_WALG_RESTORE',
  'CLONE_TARGET_TIME',
];

const watchBootstrap = [
  'Watch the bootstrap: `kubectl -n {{namespace}} logs -f {{name}}-0` shows clone_with_wale fetching a base backup from the source prefix and replaying WAL; `kubectl -n {{namespace}} exec {{name}}-0 -- patronictl list` then shows a Leader, and the replicas once their basebackup finishes.',
  "Check that it archives to its own prefix: Spilo takes a first base backup when the leader is up; `kubectl -n {{namespace}} exec {{name}}-0 -- envdir /run/etc/wal-e.d/env wal-g backup-list` lists it (WALG_GS_PREFIX in that envdir is the new prefix, never the source's).",
];

const afterNewScope = [
  "Follow-up change: set serving: {{name}} — each consumer's ExternalSecret moves to Secret {{name}} (new host and passwords) within a minute; restart the consumers so they read it.",
  'Follow-up change once it runs: remove restoreFrom/upgradeFrom from {{name}} (its CLONE_* variables leave the values: one rolling restart, no new bootstrap), then list the old generation under retired.',
];

const retainedVolumes = (what: string) => [
  `Pulumi drops release {{name}} from its state but leaves it installed (retainOnDelete): ${what}`,
  "Uninstall it by hand when sure: `helm -n {{namespace}} uninstall {{name}}`. Helm leaves the data behind: PVCs `storage-volume-{{name}}-<n>` and Patroni's ConfigMaps `{{name}}-config`, `{{name}}-leader`, `{{name}}-failover` (and `{{name}}-sync`); delete them after a last look (`kubectl -n {{namespace}} get pvc,configmap -l app={{name}}`).",
  "The generation's WAL-G prefix (its `archive` in pgfleet-state.json) stays in GCS until a bucket lifecycle rule or `wal-g delete` removes it: once the PVCs are gone it is the only copy.",
];

/**
 * What changes to a Spilo generation's chart values do (`pgfleet diff`, `pgfleet plan`). A
 * generation is one Helm release: most value changes roll the StatefulSet (Patroni switches the
 * leader over in preStop); scope, archive and DCS store are fixed for its life (synth refuses
 * changing them, the rules say why if one slips through).
 */
export const spiloChangeRules: readonly ChangeRule[] = [
  {
    kind: VALUES,
    path: '',
    on: 'added',
    when: bootstrapIs('restore'),
    class: 'new-cluster',
    why: 'new Patroni scope {{name}} beside the live one: {{bootstrap}}, archiving to its own WAL-G prefix; the live release is not touched',
    steps: [
      "`pulumi up` installs release {{name}} (StatefulSet, Service and Secret {{name}}, PVCs storage-volume-{{name}}-<n>); Spilo clones with CLONE_WITH_WALE from the source scope's prefix, which it only reads.",
      ...watchBootstrap,
      'Check the recovery point before cutover: `kubectl -n {{namespace}} exec -it {{name}}-0 -- psql -U postgres -d {{dbname}}` and query the newest rows you expect at the target time; a target after the end of the archive silently recovers to the end of WAL on PostgreSQL 13+.',
      ...afterNewScope,
    ],
  },
  {
    kind: VALUES,
    path: '',
    on: 'added',
    when: bootstrapIs('upgrade'),
    class: 'new-cluster',
    why: "blue/green major upgrade: new Patroni scope {{name}} ({{bootstrap}}) on the new major; Spilo clones the live scope's archive and pg_upgrades the copy, the live release is not touched",
    steps: [
      'Before `pulumi up`: stop the writers (scale the consumers to 0) — the clone replays the archive to its end, so writes after that are not in {{name}}.',
      'On the live leader run `SELECT pg_switch_wal();` and wait until `SELECT last_archived_wal, last_archived_time FROM pg_stat_archiver;` shows that segment archived (otherwise the last writes wait for archive_timeout, 30 min).',
      '`pulumi up` installs release {{name}}; the bootstrap log shows the clone, then maybe_pg_upgrade running pg_upgrade before the leader starts.',
      ...watchBootstrap,
      'After the upgrade: `vacuumdb -U postgres --all --analyze-in-stages` on {{name}}-0 (pg_upgrade keeps no statistics) and update extensions (`ALTER EXTENSION ... UPDATE`).',
      ...afterNewScope,
    ],
  },
  {
    kind: VALUES,
    path: '',
    on: 'added',
    when: bootstrapIs('initdb'),
    class: 'new-cluster',
    why: 'new Patroni scope {{name}}, empty (initdb), archiving to its own WAL-G prefix',
    steps: [
      '`pulumi up` installs release {{name}}; `kubectl -n {{namespace}} exec {{name}}-0 -- patronictl list` shows a Leader once it is up.',
      'The Secret with the GCP key (walE.kubernetesSecret, key credentials.json) and the bucket must exist before; the first base backup then appears in `wal-g backup-list` (envdir /run/etc/wal-e.d/env).',
    ],
  },
  {
    kind: VALUES,
    path: '',
    on: 'removed',
    class: 'destroys-data',
    why: 'generation {{name}} retired: its release, volumes and DCS ConfigMaps go once removed by hand',
    steps: retainedVolumes('the database keeps running until it is uninstalled.'),
  },
  {
    kind: VALUES,
    path: 'env.PGVERSION',
    on: 'changed',
    class: 'irreversible',
    why: 'PGVERSION {{before}} → {{after}} on a running scope: Spilo would pg_upgrade it in place, a new timeline 1 in the same WAL prefix (pgfleet refuses this; use upgradeFrom)',
  },
  ...CLONE_KEYS.map((key): ChangeRule => ({
    kind: VALUES,
    path: `env.${key}`,
    on: 'removed',
    class: 'restart',
    why: `${key} leaves a running scope after its clone: Patroni does not bootstrap again (the DCS holds the scope's initialize key); the pods restart one at a time`,
    steps: [
      'Check `kubectl -n {{namespace}} exec {{name}}-0 -- patronictl list` shows every member running again after the rolling restart.',
    ],
  })),
  ...CLONE_KEYS.map((key): ChangeRule => ({
    kind: VALUES,
    path: `env.${key}`,
    on: 'any',
    when: (_b, after, c) => !c.newGeneration && after !== undefined,
    class: 'no-op',
    why: `${key} on an existing scope changes nothing but a rolling restart: Spilo reads CLONE_* only when it bootstraps (pgfleet refuses this; add a new generation)`,
  })),
  {
    kind: VALUES,
    path: 'replicaCount',
    on: 'changed',
    class: 'safe',
    why: "replicas {{before}} → {{after}}: new members bootstrap from the leader or WAL-G; removed members' PVCs stay",
    steps: [
      'Scaling down leaves PVCs storage-volume-{{name}}-<n> of the removed members: delete them by hand if they are not coming back.',
    ],
  },
  {
    kind: VALUES,
    path: 'image',
    class: 'restart',
    why: 'new image: the StatefulSet rolls, Patroni switches the leader over before it stops (preStop)',
  },
  {
    kind: VALUES,
    path: 'persistentVolume.size',
    on: 'changed',
    class: 'restart',
    why: "volume size {{before}} → {{after}}: a StatefulSet's volumeClaimTemplates cannot change, so the Helm upgrade fails until the StatefulSet is recreated",
    steps: [
      'Grow each PVC first (the storage class must allow expansion): `kubectl -n {{namespace}} patch pvc storage-volume-{{name}}-<n> -p \'{"spec":{"resources":{"requests":{"storage":"{{after}}"}}}}\'`.',
      'Then `kubectl -n {{namespace}} delete statefulset {{name}} --cascade=orphan` (pods and PVCs stay) and `pulumi up` recreates it with the new template.',
    ],
  },
  {
    kind: VALUES,
    path: 'persistentVolume.storageClass',
    class: 'restart',
    why: 'storage class {{before}} → {{after}} applies only to volumes created later, and the Helm upgrade fails until the StatefulSet is recreated; to move the data, restore into a new generation',
    steps: ['`kubectl -n {{namespace}} delete statefulset {{name}} --cascade=orphan`, then `pulumi up`.'],
  },
  {
    kind: VALUES,
    path: 'walE.gcsBucket',
    class: 'irreversible',
    why: 'the WAL-G bucket of a running scope: its history would continue elsewhere and restores read one prefix only (pgfleet refuses this)',
  },
  {
    kind: VALUES,
    path: 'walE.gcsBucketBackupLocation',
    class: 'irreversible',
    why: 'the WAL-G prefix of a running scope: its history would continue elsewhere and restores read one prefix only (pgfleet refuses this)',
  },
  {
    kind: VALUES,
    path: 'walE.retainBackups',
    when: (b, a) => typeof b === 'number' && typeof a === 'number' && a < b,
    class: 'destroys-data',
    why: 'fewer days of base backups ({{before}} → {{after}}): the next backup run deletes older backups and their WAL; no restore can reach back further',
    plus: [{ class: 'restart', why: 'WAL-G settings are Spilo environment: the pods restart one at a time' }],
    steps: [
      'before: if a restore to an older point might still be needed, keep the longer retention until it is not (`wal-g backup-list` shows what would go)',
    ],
  },
  { kind: VALUES, path: 'walE', class: 'restart', why: 'WAL-G settings are Spilo environment: the pods restart one at a time' },
  {
    kind: VALUES,
    path: 'kubernetes',
    class: 'downtime',
    why: 'another DCS store for a running scope: Patroni finds no leader or initialize key there (pgfleet refuses this)',
  },
  { kind: VALUES, path: 'env', class: 'restart', why: 'Spilo environment {{before}} → {{after}}: the pods restart one at a time' },
  { kind: VALUES, path: 'resources', class: 'restart', why: 'new requests/limits: the pods restart one at a time' },
  {
    kind: VALUES,
    path: 'credentials',
    class: 'no-op',
    why: 'the chart creates its Secret once, at install (pre-install hook): later changes do not reach it',
  },
  {
    kind: VALUES,
    path: 'fullnameOverride',
    on: 'changed',
    class: 'new-cluster',
    why: 'another scope name: new StatefulSet, PVCs and DCS keys, an empty cluster (pgfleet never renders this: the scope is the generation name)',
  },
  {
    kind: 'networking.k8s.io/v1 NetworkPolicy',
    path: 'spec.ingress',
    class: 'safe',
    why: 'who may connect to {{generation}} changes; established connections are not cut by every network plugin',
  },
];
