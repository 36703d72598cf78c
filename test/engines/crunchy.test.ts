import type { RenderedStack } from '../../lib/outputs/render-stack';
import { diffRendered } from '../../lib/review/stack-diff';
import { all, filesOf, find, render, renderAfter } from '../helpers';
import { CLUSTER_FILE, issuesOf, jobstore, LIVE, prodDatabase, volumeRepo1, withRepos, type Env } from './crunchy-stack';

describe('Crunchy PGO engine', () => {
  describe('the job store stacks (bcgov/psa-job-store)', () => {
    const rendered = Object.fromEntries(
      (['dev', 'test', 'prod'] as Env[]).map((env) => [env, render(jobstore(env), { stack: `jobstore-${env}` })]),
    );

    test('prod renders the expected objects', () => {
      const r = rendered.prod;
      expect(filesOf(r)).toMatchSnapshot();
      expect(r.objects.map((o) => o.file).sort()).toEqual([
        'externalsecret-api-database-url.yaml',
        'externalsecret-sidecar-database-url.yaml',
        'networkpolicy-api-postgres-postgres.yaml',
        CLUSTER_FILE,
        'role-api-postgres-connections.yaml',
        'rolebinding-api-postgres-connections.yaml',
        'secretstore-api-postgres-connections.yaml',
        'serviceaccount-api-postgres-connections.yaml',
      ]);
    });

    test.each([
      ['prod', '*/15 * * * *', '30', 'f3c07a-prod', '10Gi'],
      ['test', '*/30 * * * *', '3', 'f3c07a-test', '3.5Gi'],
      ['dev', '0 * * * *', '1', 'f3c07a-dev', '3.5Gi'],
    ])(
      '%s: full at 02:00, incrementals %s, %s days of fulls, repository on netapp-file-backup',
      (env, incremental, days, namespace, size) => {
        const c = find(rendered[env], 'PostgresCluster', LIVE);
        expect(c.metadata.namespace).toBe(namespace);
        const pgbackrest = c.spec.backups.pgbackrest;
        expect(pgbackrest.repos).toEqual([
          {
            name: 'repo1',
            schedules: { full: '0 2 * * *', incremental },
            volume: {
              volumeClaimSpec: {
                accessModes: ['ReadWriteOnce'],
                storageClassName: 'netapp-file-backup',
                resources: { requests: { storage: size } },
              },
            },
          },
        ]);
        expect(pgbackrest.global).toEqual({ 'repo1-retention-full': days, 'repo1-retention-full-type': 'time' });
        // A volume repository keeps PGO's path on its own PVC.
        expect(pgbackrest.global['repo1-path']).toBeUndefined();
        expect(rendered[env].state.databases['api-postgres'].generations[LIVE].archives).toEqual([
          { repo: 'repo1', kind: 'pvc', url: `pvc://${namespace}/${LIVE}-repo1/` },
        ]);
      },
    );

    test("the cluster: PostgreSQL 16, two replicas, the seed's resources and parameters, labels PGO copies to its pods", () => {
      const c = find(rendered.prod, 'PostgresCluster', LIVE);
      expect(c.apiVersion).toBe('postgres-operator.crunchydata.com/v1beta1');
      expect(c.spec.postgresVersion).toBe(16);
      expect(c.spec.shutdown).toBe(false);
      expect(c.spec.instances).toEqual([
        {
          name: 'instance1',
          replicas: 2,
          dataVolumeClaimSpec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1.5Gi' } } },
          resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        },
      ]);
      expect(c.spec.patroni.dynamicConfiguration.postgresql.parameters).toMatchObject({ shared_buffers: '64MB', max_wal_size: '64MB' });
      expect(c.spec.metadata.labels).toEqual({ 'pgfleet.io/database': 'api-postgres', 'pgfleet.io/generation': LIVE });
      expect(c.spec.dataSource).toBeUndefined();
    });

    test('users: admin with CREATEDB on database api', () => {
      expect(find(rendered.prod, 'PostgresCluster', LIVE).spec.users).toEqual([{ name: 'admin', options: 'CREATEDB', databases: ['api'] }]);
    });

    test("DATABASE_URL of api and sidecar follows the serving generation's <cluster>-pguser-admin uri", () => {
      for (const name of ['api-database-url', 'sidecar-database-url']) {
        const es = find(rendered.prod, 'ExternalSecret', name);
        expect(es.spec.data).toEqual([{ secretKey: 'uri', remoteRef: { key: `${LIVE}-pguser-admin`, property: 'uri' } }]);
        // PGO's pg_hba wants TLS; its uri says nothing about it.
        expect(es.spec.target).toEqual({
          name,
          creationPolicy: 'Owner',
          template: { engineVersion: 'v2', data: { DATABASE_URL: '{{ .uri }}?sslmode=require' } },
        });
      }
      expect(find(rendered.prod, 'Role', 'api-postgres-connections').rules[0].resourceNames).toEqual([`${LIVE}-pguser-admin`]);
    });

    test("the NetworkPolicy admits the database's own pods and the api and sidecar pods on 5432", () => {
      const np = find(rendered.prod, 'NetworkPolicy', 'api-postgres-postgres');
      expect(np.spec.podSelector).toEqual({ matchLabels: { 'pgfleet.io/database': 'api-postgres' } });
      expect(np.spec.ingress).toEqual([
        { from: [{ podSelector: { matchLabels: { 'pgfleet.io/database': 'api-postgres' } } }] },
        {
          from: [{ podSelector: { matchLabels: { name: 'api' } } }, { podSelector: { matchLabels: { name: 'sidecar' } } }],
          ports: [{ protocol: 'TCP', port: 5432 }],
        },
      ]);
    });

    test('rendering is deterministic', () => {
      expect(filesOf(render(jobstore('prod'), { stack: 'jobstore-prod' }))).toEqual(filesOf(rendered.prod));
    });
  });

  describe('users and consumers', () => {
    test('options and password type reach the cluster; a consumer can pick another user', () => {
      const r = render(
        jobstore('prod', {
          users: [
            { name: 'admin', options: 'CREATEDB', databases: ['api'] },
            { name: 'reporting', options: 'NOSUPERUSER NOCREATEROLE', databases: ['api'], passwordType: 'AlphaNumeric' },
          ],
          consumers: [{ app: 'report-mailer', secretName: 'report-mailer-db', user: 'reporting' }],
        }),
      );
      expect(find(r, 'PostgresCluster', LIVE).spec.users[1]).toEqual({
        name: 'reporting',
        options: 'NOSUPERUSER NOCREATEROLE',
        databases: ['api'],
        password: { type: 'AlphaNumeric' },
      });
      expect(find(r, 'ExternalSecret', 'report-mailer-db').spec.data[0].remoteRef).toEqual({
        key: `${LIVE}-pguser-reporting`,
        property: 'uri',
      });
    });

    test('fails on role options PGO refuses, a consumer user without a database or unknown, and mixed users', () => {
      const i = issuesOf(() =>
        render(
          jobstore('prod', {
            users: [{ name: 'admin', options: "CREATEDB PASSWORD 'x'", databases: ['api'] }, { name: 'nodb' }],
            consumers: [
              { app: 'api', secretName: 'api-database-url' },
              { app: 'sidecar', secretName: 'sidecar-database-url', user: 'nodb' },
              { app: 'other', secretName: 'other-db', user: 'ghost' },
            ],
          }),
        ),
      );
      const at = (p: string) =>
        i
          .filter((x) => x.path === p)
          .map((x) => x.allowed)
          .join(' | ');
      expect(at('pgfleet:databases[0].users[0].options')).toContain('without PASSWORD');
      expect(at('pgfleet:databases[0].consumers[1].user')).toContain('PGO writes the "uri" key of <cluster>-pguser-nodb only then');
      expect(at('pgfleet:databases[0].consumers[2].user')).toContain('a user of this database: admin, nodb');
    });
  });

  describe('volume sizes: grow, never shrink', () => {
    const instance = (storage?: Record<string, unknown>) =>
      jobstore('prod', { instances: [{ ...prodDatabase().instances[0], ...(storage ? { storage } : {}) }] });
    const repoSize = (size: string) => withRepos([{ ...volumeRepo1(), volume: { ...volumeRepo1().volume, size } }]);
    const summaryOf = (before: RenderedStack, after: RenderedStack) =>
      diffRendered(before.files, after).objects.flatMap((o) => o.changes.map((c) => `${c.path} ${c.class}: ${c.reasons[0].why}`));

    test('the state records every sized volume of the generation by name', () => {
      expect(render(instance({ size: '2Gi' })).state.databases['api-postgres'].generations[LIVE].volumes).toEqual({
        'instance:instance1': '2Gi',
        'repo:repo1': '10Gi',
      });
      expect(render(jobstore('prod')).state.databases['api-postgres'].generations[LIVE].volumes).toEqual({
        'instance:instance1': '1.5Gi',
        'repo:repo1': '10Gi',
      });
    });

    test("shrinking an instance set's data volume is refused at the field that sizes it", () => {
      expect(issuesOf(() => renderAfter(instance({ size: '2Gi' }), instance({ size: '1Gi' })))).toEqual([
        {
          path: 'pgfleet:databases[0].instances[0].storage.size',
          value: '1Gi',
          allowed: `2Gi or more: Kubernetes volumes can grow but never shrink (${LIVE}'s instance:instance1 volume)`,
          fix: 'keep 2Gi; to use less space, restore into a new database entry with the smaller size (a new generation gets the same size), then retire this one',
        },
      ]);
      // Without storage of its own the set uses the database's, and the refusal names that.
      expect(
        issuesOf(() => renderAfter(jobstore('prod'), jobstore('prod', { storage: { size: '1Gi' } }))).map((i) => [
          i.path,
          i.allowed.split(':')[0],
        ]),
      ).toEqual([['pgfleet:databases[0].storage.size', '1.5Gi or more']]);
      // Moving to storage of its own that is smaller than the database's is a shrink too.
      expect(issuesOf(() => renderAfter(jobstore('prod'), instance({ size: '1Gi' })))[0].path).toBe(
        'pgfleet:databases[0].instances[0].storage.size',
      );
    });

    test('shrinking a volume repository is refused at its size', () => {
      const i = issuesOf(() => renderAfter(jobstore('prod'), repoSize('5Gi')));
      expect(i.map((x) => [x.path, x.value])).toEqual([['pgfleet:databases[0].backups.repos[0].volume.size', '5Gi']]);
      expect(i[0].allowed).toBe(`10Gi or more: Kubernetes volumes can grow but never shrink (${LIVE}'s repo:repo1 volume)`);
    });

    test('growing either is accepted, and pgfleet diff calls it safe growth with the expansion check', () => {
      const before = render(jobstore('prod'));
      const grown = render(jobstore('prod', { storage: { size: '3Gi' } }), { previous: before.state });
      expect(summaryOf(before, grown)).toEqual([
        'spec.instances[name=instance1].dataVolumeClaimSpec.resources.requests.storage safe: the data volumes grow (1.5Gi → 3Gi) if the StorageClass allows expansion',
      ]);
      const repo = render(repoSize('20Gi'), { previous: before.state });
      const change = diffRendered(before.files, repo).objects.find((o) => o.file === CLUSTER_FILE)!.changes[0];
      expect([change.class, change.reasons[0].why]).toEqual([
        'safe',
        'the repository volume grows (10Gi → 20Gi) if the StorageClass allows expansion',
      ]);
      expect(change.steps[0].text).toContain("-o jsonpath='{.allowVolumeExpansion}'` prints true");
    });

    test('a shrink that reaches the diff anyway (a hand-edited base) is destroys-data, never "grows"; the same size respelled is a no-op', () => {
      const small = render(jobstore('prod'));
      const big = render(repoSize('20Gi'));
      const [shrink] = diffRendered(big.files, small).objects.find((o) => o.file === CLUSTER_FILE)!.changes;
      expect(shrink.class).toBe('destroys-data');
      expect(shrink.reasons[0].why).toMatch(/^the repository volume would shrink \(20Gi → 10Gi\): Kubernetes refuses to shrink/);
      const data = diffRendered(render(jobstore('prod', { storage: { size: '3Gi' } })).files, small).objects.find(
        (o) => o.file === CLUSTER_FILE,
      )!.changes;
      expect(data.map((c) => [c.class, c.reasons[0].why.split(':')[0]])).toEqual([
        ['destroys-data', 'the data volumes would shrink (3Gi → 1.5Gi)'],
      ]);
      const respelled = diffRendered(small.files, render(jobstore('prod', { storage: { size: '1536Mi' } }))).objects.find(
        (o) => o.file === CLUSTER_FILE,
      )!.changes;
      expect(respelled.map((c) => c.class)).toEqual(['no-op']);
    });
  });

  describe('bad inputs', () => {
    test('a six-field cron and a day of week 7 are refused with the fix', () => {
      const repo = { ...volumeRepo1(), schedules: { full: '0 0 2 * * *', incremental: '0 0 * * 7' } };
      const i = issuesOf(() => render(withRepos([repo])));
      expect(i.map((x) => x.path)).toEqual([
        'pgfleet:databases[0].backups.repos[0].schedules.full',
        'pgfleet:databases[0].backups.repos[0].schedules.incremental',
      ]);
      expect(i[0].allowed).toContain('five-field cron');
      expect(i[0].fix).toContain('drop the leading seconds field');
    });

    test('a repository name outside repo1..repo4', () => {
      const i = issuesOf(() => render(withRepos([{ ...volumeRepo1(), name: 'repo5' }])));
      expect(i).toEqual([
        {
          path: 'pgfleet:databases[0].backups.repos[0].name',
          value: 'repo5',
          allowed: 'repo1, repo2, repo3 or repo4: pgBackRest has four repository slots and PGO names repositories after them',
          fix: 'use a free slot from repo1 to repo4 (at most four repositories per cluster)',
        },
      ]);
      expect(issuesOf(() => render(withRepos([{ ...volumeRepo1(), name: 'backups' }])))[0].fix).toBe(
        'rename it to repo1, repo2, repo3 or repo4',
      );
    });

    test('missing retention and users', () => {
      const { retention: _, ...noRetention } = volumeRepo1();
      const i = issuesOf(() => render(withRepos([noRetention], { users: [] })));
      expect(i.map((x) => [x.path, x.allowed])).toEqual([
        ['pgfleet:databases[0].users', 'at least 1 items'],
        ['pgfleet:databases[0].backups.repos[0].retention', 'a mapping with keys full, type'],
      ]);
    });

    test('parameters PGO owns', () => {
      const i = issuesOf(() =>
        render(jobstore('prod', { parameters: { archive_command: '/bin/true', work_mem: '8MB', recovery_target_time: 'x' } })),
      );
      expect(i.map((x) => x.path)).toEqual([
        'pgfleet:databases[0].parameters.archive_command',
        'pgfleet:databases[0].parameters.recovery_target_time',
      ]);
      expect(i[0].allowed).toBe('a parameter PGO accepts: PGO archives WAL to the pgBackRest repositories itself');
    });
  });

  test('every object of every variant above validates (render() checks it); the cluster kinds are the pinned v1beta1', () => {
    const r = render(jobstore('dev'));
    expect(all(r, 'PostgresCluster').map((c) => c.apiVersion)).toEqual(['postgres-operator.crunchydata.com/v1beta1']);
    expect(find(r, 'PostgresCluster', LIVE).metadata.annotations['pgfleet.io/repo1-on-cluster-delete']).toBe('deleted');
  });
});

describe('consumers with their own users', () => {
  test("each consumer reads its own user's Secret of the serving generation, and the role allows exactly those", () => {
    const r = render(
      jobstore('prod', {
        users: [
          { name: 'admin', options: 'CREATEDB', databases: ['api'] },
          { name: 'reporting', databases: ['api'] },
        ],
        consumers: [
          { app: 'api', secretName: 'api-database-url' },
          { app: 'metabase', secretName: 'metabase-database-url', user: 'reporting' },
        ],
      }),
    );
    const cluster = all(r, 'PostgresCluster')[0].metadata.name;
    expect(find(r, 'ExternalSecret', 'api-database-url').spec.data[0].remoteRef).toEqual({
      key: `${cluster}-pguser-admin`,
      property: 'uri',
    });
    expect(find(r, 'ExternalSecret', 'metabase-database-url').spec.data[0].remoteRef).toEqual({
      key: `${cluster}-pguser-reporting`,
      property: 'uri',
    });
    expect(all(r, 'Role').find((x) => x.metadata.name.endsWith('-connections'))!.rules[0].resourceNames).toEqual([
      `${cluster}-pguser-admin`,
      `${cluster}-pguser-reporting`,
    ]);
  });
});
