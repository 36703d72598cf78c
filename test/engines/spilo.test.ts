import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  pgfleetPatroniValues,
  patroniChartValues,
  patroniValuesProblems,
  type PatroniChartValues,
} from '../../lib/engines/spilo/spilo-chart-values';
import type { BootstrapState } from '../../lib/config/stack-state';
import { spiloChangeRules } from '../../lib/engines/spilo/spilo-rules';
import { DataBearing } from '../../lib/constructs/data-bearing';
import { renderStack } from '../../lib/outputs/render-stack';
import { filesOf, find, loadStack, render, ROOT, validator } from '../helpers';
import { ARCHIVE_TIMEOUT_ENV, BUCKET, ciip, KEY_SECRET, LIVE, valuesOf } from './spilo-stack';

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
          postRender: {
            command: 'bin/spilo-post-render.js',
            description:
              "livenessProbe of container patroni is httpGet /patroni :8008 (200 while Patroni answers) instead of the chart's httpGet /health, " +
              'which fails while a clone, pg_upgrade or replica basebackup bootstraps',
          },
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
        recovery: { method: 'wal', rpoSeconds: 300, windowSeconds: 90 * 86_400 },
      });
    });

    test('PGVERSION is pinned and no clone variable is set', () => {
      expect(valuesOf(r, LIVE).env).toEqual({ PGVERSION: '12', ...ARCHIVE_TIMEOUT_ENV });
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
        DATABASE_URL: `postgresql://admin:{{ .password | urlquery | replace "+" "%20" }}@${LIVE}.wksv3k-prod.svc:5432/ciip_portal?sslmode=require`,
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
      expect(v.env).toEqual({ ALLOW_NOSSL: 'true', PGVERSION: '12', ...ARCHIVE_TIMEOUT_ENV });
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

  describe('change rules', () => {
    test("every values rule names a key of the chart's values (or the post-render the review adds)", () => {
      const keys = [...Object.keys((patroniChartValues as unknown as { shape: Record<string, unknown> }).shape), '@postRender'];
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
