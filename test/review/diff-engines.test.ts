/**
 * `pgfleet diff` on real changes of the Crunchy, Spilo, Patroni and standalone engines, built
 * from their committed stacks (the engine tests' stack helpers). Each row lists every change
 * worse than `safe` (everything else must be `safe`) and the gate's verdict; refused changes list
 * the config paths of the refusal. Scenarios an engine does not offer are named at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CLONE, jobstore, LIVE, prodDatabase as jobstoreDb, withRestore } from '../engines/crunchy-stack';
import { hcap, restored as hcapRestored } from '../engines/patroni-stack';
import { dumpToPvc, prodDatabase as pydisDb, pydis, restoring, upgrading } from '../engines/standalone-stack';
import { ROOT } from '../helpers';
import { change, type Config, gateSummary, refusal, summary } from './review-scenarios';

/** stacks/Pulumi.cas-ciip-prod.yaml (Spilo) with the database's fields overridden. */
function cas(db: Config = {}): Config {
  const config = structuredClone(
    (parse(fs.readFileSync(path.join(ROOT, 'stacks/Pulumi.cas-ciip-prod.yaml'), 'utf8')) as { config: Config }).config,
  );
  const [first] = config['pgfleet:databases'] as Config[];
  return { ...config, 'pgfleet:databases': [{ ...first, ...db }] };
}
const casDb = () => (cas()['pgfleet:databases'] as Record<string, any>[])[0];

interface Row {
  readonly name: string;
  readonly before: Config;
  readonly after: Config;
  /** Every change worse than safe, as `summary()` prints it. */
  readonly notSafe: readonly string[];
  readonly gate: string;
}

interface Refused {
  readonly name: string;
  readonly before: Config;
  readonly after: Config;
  readonly paths: readonly string[];
}

// --- Crunchy PGO (PSA Job Store) -------------------------------------------------------------
const repo1 = () => jobstoreDb().backups.repos[0];
const withRepo = (over: Config) => jobstore('prod', { backups: { ...jobstoreDb().backups, repos: [{ ...repo1(), ...over }] } });
const upgrade = (phase: 'prepare' | 'complete', db: Config = {}) =>
  jobstore('prod', { generations: [{ name: LIVE, upgrade: { to: 17, phase } }], ...db });
const twoCrunchy = (db: Config = {}) => jobstore('prod', { generations: [{ name: LIVE }, { name: CLONE }], serving: CLONE, ...db });
const TIME = '2024-02-06 19:50:11-08:00';

const crunchy: Row[] = [
  {
    name: 'PITR restore into a new PostgresCluster',
    before: jobstore(),
    after: withRestore(TIME),
    notSafe: ['+ PostgresCluster/api-postgres-beta new-cluster'],
    gate: 'passes',
  },
  {
    name: 'major upgrade, phase prepare: PGUpgrade, allow-upgrade and shutdown (irreversible, offline)',
    before: jobstore(),
    after: upgrade('prepare', { acknowledge: [`irreversible:${LIVE}`] }),
    notSafe: [
      `~ PostgresCluster/${LIVE} metadata.annotations.postgres-operator.crunchydata.com/allow-upgrade irreversible+downtime`,
      `~ PostgresCluster/${LIVE} spec.shutdown downtime`,
    ],
    gate: `passes: irreversible:${LIVE} by acknowledge`,
  },
  {
    name: 'major upgrade, phase prepare without acknowledgement',
    before: jobstore(),
    after: upgrade('prepare'),
    notSafe: [
      `~ PostgresCluster/${LIVE} metadata.annotations.postgres-operator.crunchydata.com/allow-upgrade irreversible+downtime`,
      `~ PostgresCluster/${LIVE} spec.shutdown downtime`,
    ],
    gate: `fails: irreversible:${LIVE}`,
  },
  {
    name: 'major upgrade, phase complete: the cluster starts on the new major',
    before: upgrade('prepare', { acknowledge: [`irreversible:${LIVE}`] }),
    after: upgrade('complete'),
    notSafe: [`~ PostgresCluster/${LIVE} spec.postgresVersion restart`, `~ PostgresCluster/${LIVE} spec.shutdown restart`],
    gate: 'passes',
  },
  {
    name: 'shorter retention',
    before: jobstore(),
    after: withRepo({ retention: { full: 14, type: 'time' } }),
    notSafe: [
      `~ Generation/${LIVE} recovery.window destroys-data`,
      `~ PostgresCluster/${LIVE} spec.backups.pgbackrest.global destroys-data`,
    ],
    gate: `fails: destroys-data:${LIVE}`,
  },
  { name: 'longer retention', before: jobstore(), after: withRepo({ retention: { full: 60, type: 'time' } }), notSafe: [], gate: 'passes' },
  {
    name: 'schedule change',
    before: jobstore(),
    after: withRepo({ schedules: { full: '0 3 * * *', incremental: '*/15 * * * *' } }),
    notSafe: [],
    gate: 'passes',
  },
  {
    name: 'instance count change',
    before: jobstore(),
    after: jobstore('prod', { instances: [{ ...jobstoreDb().instances[0], replicas: 3 }] }),
    notSafe: [],
    gate: 'passes',
  },
  { name: 'storage growth', before: jobstore(), after: jobstore('prod', { storage: { size: '3Gi' } }), notSafe: [], gate: 'passes' },
  {
    name: 'retiring a generation after the cutover',
    before: twoCrunchy(),
    after: twoCrunchy({ retired: [LIVE] }),
    notSafe: [`- PostgresCluster/${LIVE} destroys-data`],
    gate: `passes: destroys-data:${LIVE} by retired`,
  },
  {
    name: 'renaming the application database: PGO creates the new one, the old one stays',
    before: jobstore(),
    after: jobstore('prod', { users: [{ ...jobstoreDb().users[0], databases: ['jobs'] }] }),
    notSafe: [],
    gate: 'passes',
  },
  {
    name: 'a one-off backup',
    before: jobstore(),
    after: jobstore('prod', { backups: { ...jobstoreDb().backups, manual: { id: 'before-upgrade' } } }),
    notSafe: [`~ PostgresCluster/${LIVE} spec.backups.pgbackrest.manual no-op`],
    gate: 'passes',
  },
  {
    name: 'in-place destructive restore, acknowledged',
    before: jobstore(),
    after: jobstore('prod', {
      generations: [{ name: LIVE, restoreInPlace: { id: 'r1', targetTime: TIME } }],
      acknowledge: [`destroys-data:${LIVE}`],
    }),
    notSafe: [
      `~ PostgresCluster/${LIVE} metadata.annotations.postgres-operator.crunchydata.com/pgbackrest-restore destroys-data+downtime`,
      `~ PostgresCluster/${LIVE} spec.backups.pgbackrest.restore no-op`,
    ],
    gate: `passes: destroys-data:${LIVE} by acknowledge`,
  },
];
const crunchyRefused: Refused[] = [
  {
    name: 'storage shrink',
    before: jobstore(),
    after: jobstore('prod', { storage: { size: '1Gi' } }),
    paths: ['pgfleet:databases[0].storage.size'],
  },
  {
    name: 'in-place restore without acknowledgement',
    before: jobstore(),
    after: jobstore('prod', { generations: [{ name: LIVE, restoreInPlace: { id: 'r1', targetTime: TIME } }] }),
    paths: ['pgfleet:databases[0].generations[0].restoreInPlace'],
  },
  {
    name: 'renaming the database entry',
    before: jobstore(),
    after: jobstore('prod', { name: 'api-db' }),
    paths: ['pgfleet:databases[0].name'],
  },
];

// --- Spilo (CAS CIIP) --------------------------------------------------------------------------
const G = 'ciip-portal-patroni';
const twoSpilo = (db: Config = {}) => cas({ generations: [{ name: G }, { name: `${G}-r1` }], serving: `${G}-r1`, ...db });

const spilo: Row[] = [
  {
    name: 'PITR restore into a new scope',
    before: cas(),
    after: cas({
      generations: [{ name: G }, { name: `${G}-r1`, restoreFrom: { generation: G, targetTime: '2022-06-05 08:00:00-08:00' } }],
      serving: G,
    }),
    notSafe: [`+ HelmValues/${G}-r1 new-cluster`],
    gate: 'passes',
  },
  {
    name: 'major upgrade: a new scope upgraded from the live one (blue/green)',
    before: cas(),
    after: cas({
      generations: [{ name: G }, { name: 'ciip-portal-pg13', postgresVersion: 13, upgradeFrom: { generation: G } }],
      serving: G,
    }),
    notSafe: ['+ HelmValues/ciip-portal-pg13 new-cluster'],
    gate: 'passes',
  },
  {
    name: 'shorter retention: Spilo deletes older base backups',
    before: cas(),
    after: cas({ backup: { ...casDb().backup, retain: 30 } }),
    notSafe: [`~ HelmValues/${G} walE.retainBackups destroys-data+restart`, `~ Generation/${G} recovery.window destroys-data`],
    gate: `fails: destroys-data:${G}`,
  },
  {
    name: 'schedule change',
    before: cas(),
    after: cas({ backup: { ...casDb().backup, schedule: '0 3 * * *' } }),
    notSafe: [`~ HelmValues/${G} walE restart`],
    gate: 'passes',
  },
  { name: 'instance count change', before: cas(), after: cas({ replicas: 4 }), notSafe: [], gate: 'passes' },
  {
    name: 'storage growth',
    before: cas(),
    after: cas({ storage: { ...casDb().storage, size: '20Gi' } }),
    notSafe: [`~ HelmValues/${G} persistentVolume.size restart`],
    gate: 'passes',
  },
  {
    name: 'retiring a generation after the cutover',
    before: twoSpilo(),
    after: twoSpilo({ retired: [G] }),
    notSafe: [`- HelmValues/${G} destroys-data`],
    gate: `passes: destroys-data:${G} by retired`,
  },
];
const spiloRefused: Refused[] = [
  {
    name: 'storage shrink',
    before: cas(),
    after: cas({ storage: { ...casDb().storage, size: '5Gi' } }),
    paths: ['pgfleet:databases[0].storage.size'],
  },
  {
    name: 'raising the major in place',
    before: cas(),
    after: cas({ postgresVersion: 13 }),
    paths: ['pgfleet:databases[0].postgresVersion'],
  },
];

// --- Patroni (hcap) ----------------------------------------------------------------------------
const H = 'hcap-patroni';
const DUMP = '/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz';
const images = () => (hcap()['pgfleet:databases'] as Record<string, any>[])[0].images;
const twoPatroni = (db: Config = {}) => hcap({ generations: [{ name: H }, { name: `${H}-r1` }], serving: `${H}-r1`, ...db });

const patroni: Row[] = [
  {
    name: 'restore of a dump into a new cluster',
    before: hcap(),
    after: hcapRestored({ backupFile: DUMP }),
    notSafe: [
      `+ Job/${H}-r1-restore-hcap new-cluster`,
      `+ PersistentVolumeClaim/${H}-r1-backup new-cluster`,
      `+ StatefulSet/${H}-r1 new-cluster`,
    ],
    gate: 'passes',
  },
  {
    name: 'major upgrade: dump and restore into a new cluster on the new major',
    // backup-container 2.3.3's pg_dump (12) cannot dump PostgreSQL 13: the image moved first.
    before: hcap({}, { image: 'docker.io/bcgovimages/backup-container:2.13.0' }),
    after: hcap(
      {
        images: { ...images(), '13': 'image-registry.openshift-image-registry.svc:5000/bcgov/patroni-postgres:2.0.1-13.4-latest' },
        generations: [{ name: H }, { name: `${H}-13`, postgresVersion: 13, upgradeFrom: { generation: H } }],
        serving: H,
      },
      { image: 'docker.io/bcgovimages/backup-container:2.13.0' },
    ),
    notSafe: [
      `+ Job/${H}-13-upgrade-hcap new-cluster`,
      `+ PersistentVolumeClaim/${H}-13-backup new-cluster`,
      `+ StatefulSet/${H}-13 new-cluster`,
    ],
    gate: 'passes',
  },
  {
    name: 'shorter retention: the rolling strategy prunes older dumps',
    before: hcap(),
    after: hcap({}, { retention: { daily: 3, weekly: 1, monthly: 1 } }),
    notSafe: [
      // The verification pod carries no retention (backup.sh -v prunes nothing).
      `~ CronJob/${H}-backup-hcap spec.jobTemplate.spec.template.spec.containers[name=backup].env[name=DAILY_BACKUPS].value destroys-data`,
      `~ Generation/${H} recovery.window destroys-data`,
    ],
    gate: `fails: destroys-data:${H}`,
  },
  {
    name: 'longer retention',
    before: hcap(),
    after: hcap({}, { retention: { daily: 7, weekly: 2, monthly: 1 } }),
    notSafe: [],
    gate: 'passes',
  },
  { name: 'schedule change', before: hcap(), after: hcap({}, { schedule: '0 3 * * *' }), notSafe: [], gate: 'passes' },
  { name: 'instance count change', before: hcap(), after: hcap({ replicas: 2 }), notSafe: [], gate: 'passes' },
  {
    name: 'storage growth',
    before: hcap(),
    after: hcap({ storage: { size: '10Gi', storageClass: 'netapp-block-standard' } }),
    notSafe: [`~ StatefulSet/${H} spec.volumeClaimTemplates restart`],
    gate: 'passes',
  },
  {
    name: 'retiring a generation after the cutover',
    before: twoPatroni(),
    after: twoPatroni({ retired: [H] }),
    notSafe: [
      `- PersistentVolumeClaim/${H}-backup-verify destroys-data`,
      `- PersistentVolumeClaim/${H}-backup destroys-data`,
      `- StatefulSet/${H} destroys-data`,
    ],
    gate: `passes: destroys-data:${H} by retired`,
  },
  { name: 'a one-off backup', before: hcap(), after: hcap({}, { onDemand: { id: 'now1' } }), notSafe: [], gate: 'passes' },
  {
    name: 'in-place destructive restore, acknowledged',
    before: hcap(),
    after: hcap({ inPlaceRestore: { generation: H, id: 'r1', backupFile: DUMP }, acknowledge: [`destroys-data:${H}`] }),
    notSafe: [`+ Job/${H}-restore-hcap-r1 destroys-data`, `+ Job/${H}-scale-down-r1 downtime`],
    gate: `passes: destroys-data:${H} by acknowledge`,
  },
];
const patroniRefused: Refused[] = [
  {
    name: 'storage shrink',
    before: hcap(),
    after: hcap({ storage: { size: '1Gi', storageClass: 'netapp-block-standard' } }),
    paths: ['pgfleet:databases[0].storage.size'],
  },
  {
    name: 'renaming the application database',
    before: hcap(),
    after: hcap({ database: 'hcap2' }),
    paths: ['pgfleet:databases[0].database'],
  },
  {
    name: 'in-place restore without acknowledgement',
    before: hcap(),
    after: hcap({ inPlaceRestore: { generation: H, id: 'r1', backupFile: DUMP } }),
    paths: ['pgfleet:databases[0].inPlaceRestore'],
  },
];

// --- Standalone (Python Discord) -----------------------------------------------------------------
const P = 'postgres';
const upgraded = (db: Config = {}) =>
  upgrading({ generations: [{ name: P }, { name: 'postgres-17', postgresVersion: 17 }], serving: 'postgres-17', ...db });

const standalone: Row[] = [
  {
    name: 'restore of a dump into a new server',
    before: pydis('prod', { backup: dumpToPvc }),
    after: restoring({ backupFile: 'postgres/2026-11-20.sql.gz' }),
    notSafe: ['+ PersistentVolumeClaim/postgres-restored-data new-cluster', '+ StatefulSet/postgres-restored new-cluster'],
    gate: 'passes',
  },
  {
    name: 'major upgrade: dump, checksum, new server, verified import, writers scaled down',
    before: pydis('prod', { backup: dumpToPvc }),
    after: upgrading(),
    notSafe: [
      '+ PersistentVolumeClaim/postgres-17-data new-cluster',
      '+ StatefulSet/postgres-17 new-cluster',
      '+ Job/postgres-17-writers-down downtime',
    ],
    gate: 'passes',
  },
  {
    name: 'shorter retention: blackbox deletes older dumps',
    before: pydis(),
    after: pydis('prod', { backup: { ...pydisDb().backup, retentionDays: 3 } }),
    notSafe: ['~ ConfigMap/postgres-blackbox data destroys-data', `~ Generation/${P} recovery.window destroys-data`],
    gate: `fails: destroys-data:${P}`,
  },
  {
    name: 'schedule change',
    before: pydis(),
    after: pydis('prod', { backup: { ...pydisDb().backup, schedule: '0 3 * * *' } }),
    notSafe: [],
    gate: 'passes',
  },
  {
    name: 'storage growth',
    before: pydis(),
    after: pydis('prod', { storage: { size: '50Gi', storageClass: 'linode-block-storage-retain' } }),
    notSafe: [],
    gate: 'passes',
  },
  {
    name: 'retiring the old server after the upgrade',
    before: upgraded(),
    after: upgraded({ retired: [P] }),
    notSafe: ['- PersistentVolumeClaim/postgres-backups destroys-data', '- PersistentVolumeClaim/postgres-data destroys-data'],
    gate: `passes: destroys-data:${P} by retired`,
  },
];
const standaloneRefused: Refused[] = [
  {
    name: 'storage shrink',
    before: pydis(),
    after: pydis('prod', { storage: { size: '5Gi', storageClass: 'linode-block-storage-retain' } }),
    paths: ['pgfleet:databases[0].storage.size'],
  },
  {
    name: 'raising the major in place',
    before: pydis('prod', { backup: dumpToPvc }),
    after: pydis('prod', { postgresVersion: 17, backup: dumpToPvc }),
    paths: ['pgfleet:databases[0].postgresVersion'],
  },
];

const engines: [string, Row[], Refused[]][] = [
  ['crunchy', crunchy, crunchyRefused],
  ['spilo', spilo, spiloRefused],
  ['patroni', patroni, patroniRefused],
  ['standalone', standalone, standaloneRefused],
];

function check(row: Row): void {
  const { diff } = change(row.before, row.after);
  expect(summary(diff).filter((l) => !l.endsWith(' safe'))).toEqual(row.notSafe);
  expect(gateSummary(diff)).toBe(row.gate);
}

describe.each(engines)('pgfleet diff: %s scenarios', (_engine, rows, refused) => {
  test.each(rows)('$name', check);

  if (refused.length) {
    test.each(refused)('refused by config validation: $name', (r) => {
      expect(refusal(r.before, r.after)).toEqual(r.paths);
    });
  }
});

/*
 * Not offered by an engine, so there is no change to review:
 * - one-off backup: spilo (Spilo's backups are its in-pod cron), standalone (dumps run on the CronJob's schedule;
 *   `kubectl create job --from=cronjob/...` stays manual);
 * - in-place restore: cnpg (CloudNativePG restores only into a new cluster), spilo and standalone (pgfleet restores
 *   into a new generation only; the seeds' "delete the PVCs and re-bootstrap" is what these engines replace);
 * - instance count: standalone (one server by design).
 */
