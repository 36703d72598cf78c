import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import {
  pgfleetPatroniValues,
  patroniChartValues,
  patroniValuesProblems,
  type PatroniChartValues,
} from '../../lib/engines/spilo/spilo-chart-values';
import type { BootstrapState } from '../../lib/config/stack-state';
import { spiloChangeRules } from '../../lib/engines/spilo/spilo-rules';
import { DataBearing } from '../../lib/constructs/data-bearing';
import type { RenderedStack } from '../../lib/outputs/render-stack';
import { renderStack } from '../../lib/outputs/render-stack';
import { all, filesOf, find, loadStack, render, renderAfter, ROOT, validator, issuesOf } from '../helpers';
import { BUCKET, ciip, KEY_SECRET, LIVE } from './spilo-stack';

const restored = (restoreFrom: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  ciip({
    generations: [{ name: LIVE }, { name: 'ciip-portal-r1', restoreFrom: { generation: LIVE, ...restoreFrom } }],
    serving: LIVE,
    ...extra,
  });

const upgraded = (extra: Record<string, unknown> = {}) =>
  ciip({
    postgresVersion: 14,
    generations: [
      { name: LIVE, postgresVersion: 12 },
      { name: 'ciip-portal-pg14', upgradeFrom: { generation: LIVE } },
    ],
    serving: LIVE,
    ...extra,
  });

/** The values pgfleet hands to the chart for a release, read back from the file synth writes. */
function valuesOf(r: RenderedStack, release: string): PatroniChartValues {
  const text = r.files.get(`helmrelease-${release}.values.yaml`);
  if (!text) throw new Error(`no values file for ${release}; have ${[...r.files.keys()].join(', ')}`);
  const fromFile = parse(text) as PatroniChartValues;
  // The file and what the Pulumi program installs are the same values.
  expect(fromFile).toEqual(r.helmReleases.find((h) => h.props.name === release)!.props.values);
  return fromFile;
}

const CLONE_FROM_LIVE = {
  CLONE_METHOD: 'CLONE_WITH_WALE',
  CLONE_SCOPE: LIVE,
  CLONE_WALG_GS_PREFIX: `gs://${BUCKET}/wal/${LIVE}`,
  CLONE_GOOGLE_APPLICATION_CREDENTIALS: '/etc/credentials/credentials.json',
  CLONE_USE_WALG_BACKUP: 'true',
  CLONE_USE_WALG_RESTORE: 'true',
};

describe('Spilo engine', () => {
  describe('a live database (CAS CIIP portal)', () => {
    const r = render(ciip());

    test('renders one chart release plus its NetworkPolicy and the consumer wiring', () => {
      expect(filesOf(r)).toMatchSnapshot();
      expect([...r.files.keys()]).toEqual([
        'externalsecret-cas-ciip-portal-database-url.yaml',
        `helmrelease-${LIVE}.values.yaml`,
        'kustomization.yaml',
        `networkpolicy-${LIVE}-ingress.yaml`,
        'pgfleet-state.json',
        'role-ciip-portal-connections.yaml',
        'rolebinding-ciip-portal-connections.yaml',
        'secretstore-ciip-portal-connections.yaml',
        'serviceaccount-ciip-portal-connections.yaml',
      ]);
    });

    test('the release is the bcgov/cas-postgres patroni chart, named after the generation', () => {
      expect(r.helmReleases.map((h) => h.props)).toEqual([
        {
          name: LIVE,
          namespace: 'wksv3k-prod',
          chart: 'patroni',
          version: '0.21.4',
          repository: 'https://bcgov.github.io/cas-postgres/',
          values: expect.any(Object),
        },
      ]);
    });

    test('scope, object names and anti-affinity label all equal the generation name', () => {
      const v = valuesOf(r, LIVE);
      expect(v.fullnameOverride).toBe(LIVE);
      expect(v.nameOverride).toBe(LIVE);
      expect(v.replicaCount).toBe(3);
      expect(v.image).toEqual({
        repository: 'ghcr.io/bcgov/cas-postgres',
        tag: '9a6cd902e167dfc53e9588fa661a7ea03fc4729d',
        pullPolicy: 'IfNotPresent',
      });
      expect(v.kubernetes).toEqual({ dcs: { enable: true }, configmaps: { enable: true } });
      expect(v.persistentVolume).toEqual({ enabled: true, size: '10Gi', storageClass: 'netapp-block-standard' });
      expect(v.credentials).toEqual({ random: true });
    });

    test("WAL-G archives to GCS under the generation's own prefix, with the key Secret mounted", () => {
      const v = valuesOf(r, LIVE);
      expect(v.walE).toEqual({
        enable: true,
        gcsBucket: BUCKET,
        gcsBucketBackupLocation: `wal/${LIVE}`,
        kubernetesSecret: KEY_SECRET,
        scheduleCronJob: '0 1 * * *',
        retainBackups: 90,
      });
      expect(r.state.databases['ciip-portal'].generations[LIVE]).toEqual({
        postgresVersion: 12,
        volumes: { data: '10Gi' },
        bootstrap: { kind: 'initdb' },
        archives: [{ kind: 'gs', url: `gs://${BUCKET}/wal/${LIVE}` }],
        engineFacts: { dcs: 'configmaps' },
      });
    });

    test('PGVERSION is pinned and no clone variable is set', () => {
      expect(valuesOf(r, LIVE).env).toEqual({ PGVERSION: '12' });
    });

    test("the values pass the chart schema and pgfleet's rules", () => {
      expect(pgfleetPatroniValues.safeParse(valuesOf(r, LIVE)).success).toBe(true);
    });

    test('the release is data-bearing (Pulumi protects it); no rendered object is', () => {
      expect(r.helmReleases.map((h) => DataBearing.generationOf(h))).toEqual([LIVE]);
      expect(r.objects.filter((o) => o.dataBearing)).toEqual([]);
    });

    test("the consumer's DATABASE_URL is assembled from the chart's Secret and Service of the serving scope", () => {
      const es = find(r, 'ExternalSecret', 'cas-ciip-portal-database-url');
      expect(es.spec.data).toEqual([{ secretKey: 'password', remoteRef: { key: LIVE, property: 'password-admin' } }]);
      expect(es.spec.target.template.data).toEqual({
        DATABASE_URL: `postgresql://admin:{{ .password | urlquery }}@${LIVE}.wksv3k-prod.svc:5432/ciip_portal`,
      });
      expect(find(r, 'Role', 'ciip-portal-connections').rules[0].resourceNames).toEqual([LIVE]);
    });

    test('consumers may connect as the superuser instead', () => {
      const es = find(render(ciip({ consumerUser: 'postgres' })), 'ExternalSecret', 'cas-ciip-portal-database-url');
      expect(es.spec.data[0].remoteRef).toEqual({ key: LIVE, property: 'password-superuser' });
      expect(es.spec.target.template.data.DATABASE_URL).toMatch(/^postgresql:\/\/postgres:/);
    });

    test('the NetworkPolicy lets members replicate and clients reach 5432 only', () => {
      const np = find(r, 'NetworkPolicy', `${LIVE}-ingress`);
      const members = { podSelector: { matchLabels: { app: LIVE, release: LIVE } } };
      expect(np.spec).toEqual({
        podSelector: members.podSelector,
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [members],
            ports: [
              { protocol: 'TCP', port: 5432 },
              { protocol: 'TCP', port: 8008 },
            ],
          },
          { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 5432 }] },
        ],
      });
      const limited = find(
        render(ciip({ allowFrom: [{ 'app.kubernetes.io/name': 'cas-ciip-portal' }] })),
        'NetworkPolicy',
        `${LIVE}-ingress`,
      );
      expect(limited.spec.ingress[1].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cas-ciip-portal' } } }]);
    });

    test('resources, schedule, retention, free-form env and the DCS store reach the values', () => {
      const v = valuesOf(
        render(
          ciip(
            {
              resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } },
              env: { ALLOW_NOSSL: 'true' },
              dcs: { configMaps: false },
            },
            { schedule: '30 2 * * *', retain: 14 },
          ),
        ),
        LIVE,
      );
      expect(v.resources).toEqual({ requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '2Gi' } });
      expect(v.walE).toMatchObject({ scheduleCronJob: '30 2 * * *', retainBackups: 14 });
      expect(v.env).toEqual({ ALLOW_NOSSL: 'true', PGVERSION: '12' });
      expect(v.kubernetes?.configmaps).toEqual({ enable: false });
    });

    test('is deterministic', () => {
      expect(filesOf(render(ciip()))).toEqual(filesOf(r));
    });
  });

  describe('sample stacks', () => {
    for (const stack of ['cas-ciip-dev', 'cas-ciip-prod']) {
      test(`${stack} synthesizes, validates, and matches dist/${stack}`, () => {
        const r = renderStack(loadStack(path.join(ROOT, `stacks/Pulumi.${stack}.yaml`)));
        expect(validator().validate(r.objects.map((o) => o.manifest))).toEqual([]);
        for (const h of r.helmReleases) expect(patroniValuesProblems(h.props.values as PatroniChartValues)).toEqual([]);
        const dir = path.join(ROOT, 'dist', stack);
        const onDisk = Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
        expect(onDisk).toEqual(filesOf(r));
      });
    }
  });

  describe('point-in-time recovery', () => {
    const live = render(ciip());
    const r = renderAfter(ciip(), restored({ targetTime: '2022-06-05 08:00:00-08:00' }));

    test('adds a release with a new scope whose env clones the live scope up to the target', () => {
      expect(r.files.get('helmrelease-ciip-portal-r1.values.yaml')).toMatchSnapshot();
      const v = valuesOf(r, 'ciip-portal-r1');
      expect(v.fullnameOverride).toBe('ciip-portal-r1');
      expect(v.env).toEqual({ ...CLONE_FROM_LIVE, CLONE_TARGET_TIME: '2022-06-05 08:00:00-08:00', PGVERSION: '12' });
      expect(r.state.databases['ciip-portal'].generations['ciip-portal-r1'].bootstrap).toEqual({
        kind: 'restore',
        source: LIVE,
        target: { kind: 'time', time: '2022-06-05T08:00:00-08:00' },
      });
    });

    test('reads the live prefix and archives to a fresh one of its own', () => {
      const v = valuesOf(r, 'ciip-portal-r1');
      const gens = r.state.databases['ciip-portal'].generations;
      expect(v.walE?.gcsBucketBackupLocation).toBe('wal/ciip-portal-r1');
      expect(gens['ciip-portal-r1'].archives).toEqual([{ kind: 'gs', url: `gs://${BUCKET}/wal/ciip-portal-r1` }]);
      expect(v.env?.CLONE_WALG_GS_PREFIX).toBe(gens[LIVE].archives[0].url);
      expect(gens['ciip-portal-r1'].archives).not.toEqual(gens[LIVE].archives);
    });

    test('leaves every file of the live generation byte-identical, consumers included', () => {
      const before = filesOf(live);
      const after = filesOf(r);
      for (const f of [
        `helmrelease-${LIVE}.values.yaml`,
        `networkpolicy-${LIVE}-ingress.yaml`,
        'externalsecret-cas-ciip-portal-database-url.yaml',
      ]) {
        expect(after[f]).toBe(before[f]);
      }
      expect(r.helmReleases.map((h) => h.props.name)).toEqual([LIVE, 'ciip-portal-r1']);
    });

    test("pins PGVERSION to the source's major even when the database default is newer", () => {
      const r2 = render(
        ciip({
          postgresVersion: 14,
          generations: [
            { name: LIVE, postgresVersion: 12 },
            { name: 'ciip-portal-r1', restoreFrom: { generation: LIVE } },
          ],
          serving: LIVE,
        }),
      );
      expect(valuesOf(r2, 'ciip-portal-r1').env?.PGVERSION).toBe('12');
      expect(valuesOf(r2, LIVE).env?.PGVERSION).toBe('12');
    });

    test('the latest point sets no CLONE_TARGET_TIME; a Z target gets a numeric offset', () => {
      expect(valuesOf(render(restored({})), 'ciip-portal-r1').env).toEqual({ ...CLONE_FROM_LIVE, PGVERSION: '12' });
      expect(valuesOf(render(restored({ targetTime: '2022-06-05T16:00:00Z' })), 'ciip-portal-r1').env?.CLONE_TARGET_TIME).toBe(
        '2022-06-05 16:00:00+00:00',
      );
    });

    test("cutover moves the consumer to the restored scope's Secret and Service", () => {
      const cut = render(restored({ targetTime: '2022-06-05 08:00:00-08:00' }, { serving: 'ciip-portal-r1' }));
      const es = find(cut, 'ExternalSecret', 'cas-ciip-portal-database-url');
      expect(es.spec.data[0].remoteRef).toEqual({ key: 'ciip-portal-r1', property: 'password-admin' });
      expect(es.spec.target.template.data.DATABASE_URL).toContain('@ciip-portal-r1.wksv3k-prod.svc:5432/ciip_portal');
      expect(find(cut, 'Role', 'ciip-portal-connections').rules[0].resourceNames).toEqual([LIVE, 'ciip-portal-r1']);
    });

    test('removing restoreFrom afterwards drops CLONE_* but keeps the scope and its prefix', () => {
      const done = renderAfter(
        restored({ targetTime: '2022-06-05 08:00:00-08:00' }, { serving: 'ciip-portal-r1' }),
        ciip({ generations: [{ name: LIVE }, { name: 'ciip-portal-r1' }], serving: 'ciip-portal-r1' }),
      );
      const v = valuesOf(done, 'ciip-portal-r1');
      expect(v.env).toEqual({ PGVERSION: '12' });
      expect(v.fullnameOverride).toBe('ciip-portal-r1');
      expect(v.walE?.gcsBucketBackupLocation).toBe('wal/ciip-portal-r1');
      expect(DataBearing.generationOf(done.helmReleases[1])).toBe('ciip-portal-r1');
    });

    test('retiring the old scope by name removes its release and policy', () => {
      const two = { generations: [{ name: LIVE }, { name: 'ciip-portal-r1' }], serving: 'ciip-portal-r1' };
      const r2 = renderAfter(ciip(two), ciip({ ...two, retired: [LIVE] }));
      expect(r2.helmReleases.map((h) => h.props.name)).toEqual(['ciip-portal-r1']);
      expect(all(r2, 'NetworkPolicy').map((n) => n.metadata.name)).toEqual(['ciip-portal-r1-ingress']);
    });

    test('fails for a target time without an offset, naming the field', () => {
      const i = issuesOf(() => render(restored({ targetTime: '2022-06-05 08:00:00' })));
      expect(i).toHaveLength(1);
      expect(i[0]).toMatchObject({
        path: 'pgfleet:databases[0].generations[1].restoreFrom.targetTime',
        value: '2022-06-05 08:00:00',
        allowed: 'a time with an explicit UTC offset or Z',
      });
      expect(i[0].fix).toContain('2022-06-05 08:00:00-08:00');
      expect(i[0].fix).toContain('Spilo refuses');
    });

    test('fails for a restore from an unknown scope', () => {
      const i = issuesOf(() =>
        render(
          ciip({
            generations: [{ name: LIVE }, { name: 'ciip-portal-r1', restoreFrom: { generation: 'cas-ciip-portal-patroni' } }],
            serving: LIVE,
          }),
        ),
      );
      expect(i).toEqual([
        expect.objectContaining({
          path: 'pgfleet:databases[0].generations[1].restoreFrom.generation',
          value: 'cas-ciip-portal-patroni',
          allowed: `another live generation of ciip-portal: ${LIVE}`,
        }),
      ]);
    });

    test("fails for LSN or named targets, which Spilo's clone cannot take", () => {
      const i = issuesOf(() => render(restored({ targetLSN: '0/3000060' })));
      expect(i[0]).toMatchObject({ path: 'pgfleet:databases[0].generations[1].restoreFrom.targetLSN' });
      expect(i[0].allowed).toContain('targetTime');
    });

    test('fails to add restoreFrom to a generation that already exists (Patroni bootstraps once)', () => {
      const grown = ciip({ generations: [{ name: LIVE }, { name: 'ciip-portal-r1' }], serving: LIVE });
      const i = issuesOf(() => renderAfter(grown, restored({ targetTime: '2022-06-05 08:00:00-08:00' })));
      expect(i).toEqual([
        expect.objectContaining({
          path: 'pgfleet:databases[0].generations[1].restoreFrom',
          value: `restore from ${LIVE} (time 2022-06-05T08:00:00-08:00)`,
        }),
      ]);
      expect(i[0].fix).toContain('add a new generation');
    });
  });

  describe('major upgrade (blue/green)', () => {
    const before = render(ciip());
    const r = renderAfter(ciip(), upgraded());

    test('a new scope clones the live one onto the new PGVERSION, into its own prefix', () => {
      expect(r.files.get('helmrelease-ciip-portal-pg14.values.yaml')).toMatchSnapshot();
      const v = valuesOf(r, 'ciip-portal-pg14');
      expect(v.env).toEqual({ ...CLONE_FROM_LIVE, PGVERSION: '14' });
      expect(v.walE?.gcsBucketBackupLocation).toBe('wal/ciip-portal-pg14');
      const gens = r.state.databases['ciip-portal'].generations;
      expect(gens['ciip-portal-pg14']).toMatchObject({
        postgresVersion: 14,
        bootstrap: { kind: 'upgrade', source: LIVE },
        archives: [{ kind: 'gs', url: `gs://${BUCKET}/wal/ciip-portal-pg14` }],
      });
    });

    test('the live release stays on its major, byte-identical', () => {
      expect(filesOf(r)[`helmrelease-${LIVE}.values.yaml`]).toBe(filesOf(before)[`helmrelease-${LIVE}.values.yaml`]);
      expect(valuesOf(r, LIVE).env?.PGVERSION).toBe('12');
    });

    test('cutover is the serving field', () => {
      const cut = render(upgraded({ serving: 'ciip-portal-pg14' }));
      expect(find(cut, 'ExternalSecret', 'cas-ciip-portal-database-url').spec.data[0].remoteRef.key).toBe('ciip-portal-pg14');
    });

    test('fails for an in-place raise, pointing at upgradeFrom', () => {
      const i = issuesOf(() => renderAfter(ciip(), ciip({ postgresVersion: 14 })));
      expect(i[0]).toMatchObject({ path: 'pgfleet:databases[0].postgresVersion', value: 14 });
      expect(i[0].fix).toContain(`upgradeFrom: {generation: ${LIVE}}`);
    });

    test('fails for an upgrade onto the same major', () => {
      const i = issuesOf(() =>
        render(ciip({ generations: [{ name: LIVE }, { name: 'ciip-portal-pg12', upgradeFrom: { generation: LIVE } }], serving: LIVE })),
      );
      expect(i[0]).toMatchObject({ path: 'pgfleet:databases[0].generations[1].postgresVersion', allowed: `a major above ${LIVE}'s 12` });
    });

    test('fails for a major the image does not ship', () => {
      const i = issuesOf(() => render(upgraded({ postgresVersion: 15 })));
      expect(i).toEqual([expect.objectContaining({ path: 'pgfleet:databases[0].postgresVersion', value: 15 })]);
      expect(i[0].allowed).toContain('up to 14');
    });
  });

  describe('bad input', () => {
    test('fails without a bucket or key Secret', () => {
      const i = issuesOf(() => render(ciip({}, { bucket: undefined, serviceAccountKeySecret: undefined })));
      expect(i.map((x) => x.path)).toEqual(['pgfleet:databases[0].backup.bucket', 'pgfleet:databases[0].backup.serviceAccountKeySecret']);
      expect(i[0].allowed).toContain('GCS bucket');
      expect(i[0].fix).toContain('add backup.bucket');
    });

    test('fails without backup at all', () => {
      const i = issuesOf(() => render(ciip({ backup: undefined })));
      expect(i).toEqual([expect.objectContaining({ path: 'pgfleet:databases[0].backup', value: undefined })]);
      expect(i[0].allowed).toContain('point-in-time recovery');
    });

    test('fails for an invalid bucket name', () => {
      const i = issuesOf(() => render(ciip({}, { bucket: 'gs://wksv3k' })));
      expect(i[0]).toMatchObject({ path: 'pgfleet:databases[0].backup.bucket', value: 'gs://wksv3k' });
    });

    test('fails for variables pgfleet sets itself in env', () => {
      const i = issuesOf(() => render(ciip({ env: { CLONE_SCOPE: 'x', PGVERSION: '14', WALE_GS_PREFIX: 'gs://x/y', TZ: 'UTC' } })));
      expect(i.map((x) => x.path)).toEqual([
        'pgfleet:databases[0].env.CLONE_SCOPE',
        'pgfleet:databases[0].env.PGVERSION',
        'pgfleet:databases[0].env.WALE_GS_PREFIX',
      ]);
      expect(i.map((x) => x.fix)).toEqual([
        'remove env.CLONE_SCOPE; use restoreFrom or upgradeFrom on a new generation',
        'remove env.PGVERSION; use postgresVersion (a new major is a new generation with upgradeFrom)',
        'remove env.WALE_GS_PREFIX; use backup.bucket, backup.location or generations[].backupLocation',
      ]);
    });

    test("fails for env that would override PGVERSION, the clone or the prefix behind pgfleet's back", () => {
      const env = {
        SPILO_CONFIGURATION: 'postgresql: {bin_dir: /usr/lib/postgresql/14/bin}',
        PATRONI_CONFIGURATION: 'scope: other',
        PATRONI_POSTGRESQL_BIN_DIR: '/usr/lib/postgresql/14/bin',
        PATRONI_SCOPE: 'other',
        WAL_BUCKET_SCOPE_PREFIX: 'x-',
        WAL_BUCKET_SCOPE_SUFFIX: '/old',
        PATRONI_LOG_LEVEL: 'DEBUG',
      };
      const i = issuesOf(() => render(ciip({ env })));
      expect(i.map((x) => x.path)).toEqual(
        [
          'SPILO_CONFIGURATION',
          'PATRONI_CONFIGURATION',
          'PATRONI_POSTGRESQL_BIN_DIR',
          'PATRONI_SCOPE',
          'WAL_BUCKET_SCOPE_PREFIX',
          'WAL_BUCKET_SCOPE_SUFFIX',
        ].map((k) => `pgfleet:databases[0].env.${k}`),
      );
      expect(i[0].allowed).toContain('postgresql.bin_dir there runs another major than PGVERSION');
      expect(i[0].fix).toBe(
        'remove env.SPILO_CONFIGURATION; pgfleet does not support it: set the major with postgresVersion and clones with restoreFrom or upgradeFrom',
      );
      expect(i[2].allowed).toContain('PATRONI_POSTGRESQL_BIN_DIR runs another major');
      expect(i[4].fix).toBe('remove env.WAL_BUCKET_SCOPE_PREFIX; use backup.bucket, backup.location or generations[].backupLocation');
      // Log settings stay free.
      expect(valuesOf(render(ciip({ env: { PATRONI_LOG_LEVEL: 'DEBUG' } })), LIVE).env).toEqual({
        PATRONI_LOG_LEVEL: 'DEBUG',
        PGVERSION: '12',
      });
    });

    test('fails for the latest tag', () => {
      expect(issuesOf(() => render(ciip({ image: { tag: 'latest' } })))[0]).toMatchObject({
        path: 'pgfleet:databases[0].image.tag',
        value: 'latest',
      });
    });

    test('fails when two generations would archive to one folder', () => {
      const i = issuesOf(() =>
        render(
          ciip({
            generations: [{ name: LIVE }, { name: 'ciip-portal-r1', backupLocation: `wal/${LIVE}`, restoreFrom: { generation: LIVE } }],
            serving: LIVE,
          }),
        ),
      );
      expect(i).toEqual([expect.objectContaining({ path: 'pgfleet:databases[0].generations[1].backupLocation', value: `wal/${LIVE}` })]);
      expect(i[0].allowed).toContain(`it is wal/${LIVE}, where ${LIVE} archives`);
    });

    test('fails for an adopted folder that holds backup.location: every new generation would archive inside it', () => {
      // docs/spilo.md: adopt a release that archives to `wal`; a restore beside it would get wal/ciip-portal-r1.
      const adopted = ciip({ generations: [{ name: LIVE, backupLocation: 'wal' }] });
      const i = issuesOf(() => render(adopted));
      // backup.location is left to its default, wal.
      expect(i).toEqual([expect.objectContaining({ path: 'pgfleet:databases[0].backup.location', value: undefined })]);
      expect(i[0].allowed).toContain(`a backup.location outside wal, where ${LIVE} archives (backup.location is wal)`);
      expect(i[0].fix).toContain('backup.location: pgfleet');
      const withRestore = issuesOf(() =>
        render(
          ciip({
            generations: [
              { name: LIVE, backupLocation: 'wal' },
              { name: 'ciip-portal-r1', restoreFrom: { generation: LIVE } },
            ],
            serving: LIVE,
          }),
        ),
      );
      expect(withRestore.map((x) => x.path)).toEqual(['pgfleet:databases[0].backup.location']);
      // Following the fix, new generations archive beside the adopted folder.
      const beside = render(
        ciip(
          {
            generations: [
              { name: LIVE, backupLocation: 'wal' },
              { name: 'ciip-portal-r1', restoreFrom: { generation: LIVE } },
            ],
            serving: LIVE,
          },
          { location: 'pgfleet' },
        ),
      );
      expect(Object.values(beside.state.databases['ciip-portal'].generations).map((g) => g.archives[0].url)).toEqual([
        `gs://${BUCKET}/wal`,
        `gs://${BUCKET}/pgfleet/ciip-portal-r1`,
      ]);
    });

    test("fails for a folder inside or around another generation's, retired ones included", () => {
      const inside = issuesOf(() =>
        render(
          ciip({
            generations: [{ name: LIVE }, { name: 'ciip-portal-r1', backupLocation: `wal/${LIVE}/r1`, restoreFrom: { generation: LIVE } }],
            serving: LIVE,
          }),
        ),
      );
      expect(inside).toEqual([
        expect.objectContaining({ path: 'pgfleet:databases[0].generations[1].backupLocation', value: `wal/${LIVE}/r1` }),
      ]);
      expect(inside[0].allowed).toContain(`it lies inside wal/${LIVE}`);
      const around = issuesOf(() =>
        render(
          ciip({
            generations: [
              { name: LIVE, backupLocation: 'old/ciip' },
              { name: 'ciip-portal-r1', backupLocation: 'old', restoreFrom: { generation: LIVE } },
            ],
            serving: LIVE,
          }),
        ),
      );
      expect(around).toEqual([expect.objectContaining({ path: 'pgfleet:databases[0].generations[1].backupLocation', value: 'old' })]);
      expect(around[0].allowed).toContain('it holds old/ciip');
      // A retired generation's folder stays until deleted by hand, listed or not.
      const overRetired = issuesOf(() =>
        render(ciip({ generations: [{ name: 'ciip-portal-r1', backupLocation: `wal/${LIVE}/again` }], retired: [LIVE] })),
      );
      expect(overRetired).toEqual([expect.objectContaining({ path: 'pgfleet:databases[0].generations[0].backupLocation' })]);
      expect(overRetired[0].allowed).toContain(`it lies inside wal/${LIVE}, where ${LIVE} archives`);
    });

    test('fails when two databases would archive to one prefix, or one inside the other', () => {
      const base = ciip()['pgfleet:databases'][0] as Record<string, unknown>;
      const other = (gen: Record<string, unknown>, backup: Record<string, unknown> = {}) => ({
        ...ciip(),
        'pgfleet:databases': [
          base,
          {
            ...base,
            name: 'ciip-other',
            generations: [{ name: 'ciip-other-db', ...gen }],
            backup: { ...(base.backup as object), ...backup },
            consumers: [],
          },
        ],
      });
      const same = issuesOf(() => render(other({ backupLocation: `wal/${LIVE}` })));
      expect(same).toEqual([
        expect.objectContaining({ path: 'pgfleet:databases[1].generations[0].backupLocation', value: `gs://${BUCKET}/wal/${LIVE}` }),
      ]);
      expect(same[0].allowed).toContain(`ciip-portal/${LIVE}`);
      const holds = issuesOf(() => render(other({ backupLocation: 'wal' }, { location: 'pgfleet' })));
      expect(holds).toEqual([
        expect.objectContaining({ path: 'pgfleet:databases[1].generations[0].backupLocation', value: `gs://${BUCKET}/wal` }),
      ]);
      expect(holds[0].allowed).toContain(`it holds gs://${BUCKET}/wal/${LIVE}`);
      // Both derived: the later database's backup.location lies inside the first one's generation folder.
      const nested = issuesOf(() => render(other({}, { location: `wal/${LIVE}` })));
      expect(nested).toEqual([
        expect.objectContaining({ path: 'pgfleet:databases[1].backup.location', value: `gs://${BUCKET}/wal/${LIVE}/ciip-other-db` }),
      ]);
      // Another bucket is another namespace of prefixes.
      expect(render(other({ backupLocation: `wal/${LIVE}` }, { bucket: 'wksv3k-prod-other' })).helmReleases).toHaveLength(2);
    });

    test('fails for a per-consumer user and for an existing credentials Secret, saying why', () => {
      const i = issuesOf(() =>
        render(ciip({ consumers: [{ app: 'x', secretName: 'x-db', user: 'ciip' }], credentials: { existingSecret: { name: 'x' } } })),
      );
      expect(i.map((x) => x.path)).toEqual(['pgfleet:databases[0].credentials', 'pgfleet:databases[0].consumers[0].user']);
      expect(i[0].allowed).toContain('no value can name an existing one');
    });

    test("fails to move a live generation's archive, naming the old prefix", () => {
      const moved = issuesOf(() => renderAfter(ciip(), ciip({}, { bucket: 'wksv3k-prod-other' })));
      expect(moved).toEqual([
        expect.objectContaining({ path: 'pgfleet:databases[0].backup.bucket', value: `gs://wksv3k-prod-other/wal/${LIVE}` }),
      ]);
      expect(moved[0].fix).toContain(`keep backup.bucket: ${BUCKET}`);
      const renamed = issuesOf(() => renderAfter(ciip(), ciip({}, { location: 'pg' })));
      expect(renamed[0]).toMatchObject({ path: 'pgfleet:databases[0].backup.location' });
      expect(renamed[0].fix).toContain(`backupLocation: wal/${LIVE}`);
      // Following that fix is accepted.
      expect(
        valuesOf(renderAfter(ciip(), ciip({ generations: [{ name: LIVE, backupLocation: `wal/${LIVE}` }] }, { location: 'pg' })), LIVE).walE
          ?.gcsBucketBackupLocation,
      ).toBe(`wal/${LIVE}`);
    });

    test('fails to switch the DCS store under a running scope', () => {
      const i = issuesOf(() => renderAfter(ciip(), ciip({ dcs: { configMaps: false } })));
      expect(i).toEqual([expect.objectContaining({ path: 'pgfleet:databases[0].dcs.configMaps', value: false })]);
    });
  });

  describe('chart values schema', () => {
    const good = valuesOf(render(restored({ targetTime: '2022-06-05 08:00:00-08:00' })), 'ciip-portal-r1');
    const problems = (v: unknown) => patroniValuesProblems(v as PatroniChartValues);

    test('rejects a misspelled key and a wrong type, as helm install would not', () => {
      const typo = patroniChartValues.safeParse({ walE: { gcsBuckett: BUCKET } });
      expect(typo.success).toBe(false);
      expect(typo.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['gcsBuckett'], path: ['walE'] });
      expect(patroniChartValues.safeParse({ replicaCount: '3' }).success).toBe(false);
      expect(patroniChartValues.safeParse({ persistentVolume: { size: 'ten gigs' } }).success).toBe(false);
      expect(patroniChartValues.safeParse({ walE: { scheduleCronJob: '0 0 1 * * *' } }).success).toBe(false);
    });

    test("accepts the chart's own defaults", () => {
      expect(
        patroniChartValues.safeParse({
          replicaCount: 5,
          credentials: { random: false, superuser: 'tea', admin: 'cola', standby: 'pinacolada' },
          kubernetes: { dcs: { enable: true }, configmaps: { enable: false } },
          etcd: { enable: false, deployChart: false, host: null, discovery: null },
          postgresql: { callbacks: { on_role_change: '/usr/share/container-scripts/postgresql/kill_pod_on_demote.sh' } },
          walE: {
            enable: false,
            scheduleCronJob: '00 01 * * *',
            retainBackups: 2,
            s3Bucket: null,
            gcsBucket: null,
            gcsBucketBackupLocation: 'wal',
            kubernetesSecret: null,
            backupThresholdMegabytes: 1024,
            backupThresholdPercentage: 30,
          },
          persistentVolume: {
            enabled: true,
            size: '1G',
            subPath: '',
            mountPath: '/home/postgres/pgdata',
            annotations: {},
            accessModes: ['ReadWriteOnce'],
          },
          resources: {},
          nodeSelector: {},
          tolerations: [],
          affinity: {},
          rbac: { create: true },
          serviceAccount: { create: true, name: null },
        }).success,
      ).toBe(true);
    });

    test('a clone without its prefix or scope is an error (Spilo would run initdb)', () => {
      expect(problems(good)).toEqual([]);
      const { CLONE_WALG_GS_PREFIX: _p, ...noPrefix } = good.env!;
      expect(problems({ ...good, env: noPrefix })).toEqual([
        "env.CLONE_WALG_GS_PREFIX: the source's WAL prefix: without it Spilo skips the clone and runs initdb",
      ]);
      const { CLONE_SCOPE: _s, ...noScope } = good.env!;
      expect(problems({ ...good, env: noScope })).toEqual([
        'env.CLONE_SCOPE: the source scope: without it Spilo skips the clone and runs initdb',
      ]);
    });

    test('a clone that reads its own archive, a zone-less target or a stray CLONE_ variable is an error', () => {
      expect(problems({ ...good, env: { ...good.env, CLONE_WALG_GS_PREFIX: `gs://${BUCKET}/wal/ciip-portal-r1/` } })[0]).toMatch(
        /^env.CLONE_WALG_GS_PREFIX: another prefix than this release's own archive/,
      );
      expect(problems({ ...good, env: { ...good.env, CLONE_TARGET_TIME: '2022-06-05 08:00:00' } })).toEqual([
        'env.CLONE_TARGET_TIME: a time with an explicit offset (Spilo refuses times without a zone)',
      ]);
      expect(problems({ ...good, env: { PGVERSION: '12', CLONE_SCOPE: LIVE } })).toEqual([
        'env.CLONE_SCOPE: absent without CLONE_METHOD: Spilo ignores it',
      ]);
    });

    test('passwords in values, WAL-G off or an unpinned PGVERSION are errors', () => {
      expect(problems({ ...good, credentials: { random: true, superuser: 'tea' } })).toEqual([
        "credentials.superuser: absent: no password in values (they are written to dist/ and Helm's release history)",
      ]);
      expect(problems({ ...good, walE: { ...good.walE, enable: false } })).toEqual([
        'walE.enable: true: restores and upgrades clone from WAL-G backups',
      ]);
      const { PGVERSION: _v, ...unpinned } = good.env!;
      expect(problems({ ...good, env: unpinned })[0]).toMatch(/^env.PGVERSION: the major version, pinned/);
    });
  });

  describe('change rules', () => {
    test("every values rule names a key of the chart's values", () => {
      const keys = Object.keys((patroniChartValues as unknown as { shape: Record<string, unknown> }).shape);
      for (const rule of spiloChangeRules.filter((x) => x.kind === 'pgfleet.io/v1 HelmValues' && x.path !== '')) {
        expect(keys).toContain(rule.path.split('.')[0]);
      }
    });

    test('a new restored, upgraded or empty scope each get their own runbook', () => {
      const added = spiloChangeRules.filter((x) => x.path === '' && x.on === 'added');
      const ctx = (bootstrap: BootstrapState) => ({
        dataBearing: true,
        newGeneration: true,
        retiring: false,
        state: { after: { postgresVersion: 12, bootstrap, archives: [] } },
        serving: {},
      });
      const v = { name: `${LIVE}-r1`, namespace: 'wksv3k-prod', kind: 'HelmValues', stack: 'ciip-prod', before: '', after: '' };
      expect(
        added
          .filter((x) => x.when!(undefined, {}, ctx({ kind: 'restore', source: LIVE, target: { kind: 'latest' } })))
          .map((x) => x.why(v)),
      ).toEqual([expect.stringContaining('beside the live one')]);
      expect(added.filter((x) => x.when!(undefined, {}, ctx({ kind: 'upgrade', source: LIVE }))).map((x) => x.why(v))).toEqual([
        expect.stringContaining('blue/green'),
      ]);
      expect(added.filter((x) => x.when!(undefined, {}, ctx({ kind: 'initdb' }))).map((x) => x.why(v))).toEqual([
        expect.stringContaining('empty (initdb)'),
      ]);
    });
  });
});
