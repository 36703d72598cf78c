import type { RenderedStack } from '../../lib/outputs/render-stack';
import { dataOptions } from '../../lib/pulumi/program';
import { diffRendered } from '../../lib/review/stack-diff';
import { all, filesOf, find, render, renderAfter, stepLines } from '../helpers';
import { issuesOf, jobstore, LIVE, prodDatabase, withRepos, type Env } from './crunchy-stack';

const CLUSTER_FILE = `postgrescluster-${LIVE}.yaml`;
const volumeRepo1 = () => prodDatabase().backups.repos[0];

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
        expect(es.spec.data).toEqual([{ secretKey: 'DATABASE_URL', remoteRef: { key: `${LIVE}-pguser-admin`, property: 'uri' } }]);
        expect(es.spec.target).toEqual({ name, creationPolicy: 'Owner' });
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

  describe('one-off backups', () => {
    const manual = (m: Record<string, unknown>) => jobstore('prod', { backups: { ...prodDatabase().backups, manual: m } });

    test('fills backups.pgbackrest.manual and sets the pgbackrest-backup annotation to the id', () => {
      const c = find(render(manual({ id: '2026-11-20-before-release' })), 'PostgresCluster', LIVE);
      expect(c.spec.backups.pgbackrest.manual).toEqual({ repoName: 'repo1', options: ['--type=full'] });
      expect(c.metadata.annotations['postgres-operator.crunchydata.com/pgbackrest-backup']).toBe('2026-11-20-before-release');
    });

    test('a new id changes only the annotation: another backup', () => {
      const a = filesOf(render(manual({ id: 'one', type: 'diff' })))[CLUSTER_FILE];
      const b = filesOf(render(manual({ id: 'two', type: 'diff' })))[CLUSTER_FILE];
      expect(a).toContain('- --type=diff');
      const changed = b.split('\n').filter((line, n) => line !== a.split('\n')[n]);
      expect(changed).toEqual(['    postgres-operator.crunchydata.com/pgbackrest-backup: two']);
    });

    test('pgfleet diff calls it a safe one-off backup and says what to wait for', () => {
      const before = render(manual({ id: 'one' }));
      const after = render(manual({ id: 'two' }), { previous: before.state });
      const d = diffRendered(before.files, after);
      const change = d.objects.find((o) => o.file === CLUSTER_FILE)!.changes[0];
      expect(change.class).toBe('safe');
      expect(change.reasons[0].why).toContain('one-off backup two');
      expect(stepLines(change)).toContain('status.pgbackrest.manualBackup');
    });

    test('fails on a repository or generation that does not exist', () => {
      const i = issuesOf(() => render(manual({ id: 'x', repoName: 'repo2', generation: 'api-postgres-zeta' })));
      expect(i.map((x) => [x.path, x.allowed])).toEqual([
        ['pgfleet:databases[0].backups.manual.repoName', 'a repository of this database: repo1'],
        ['pgfleet:databases[0].backups.manual.generation', `a live generation: ${LIVE}`],
      ]);
    });
  });

  describe('cloud repositories', () => {
    const vault = { vault: { path: '/aws/creds/jobstore-backup', role: 'jobstore-backup', server: 'https://vault.example:8200' } };
    const r = render(
      withRepos([
        volumeRepo1(),
        {
          name: 'repo2',
          schedules: { full: '0 3 * * 0', differential: '0 3 * * 1-6' },
          retention: { full: 4 },
          s3: { bucket: 'jobstore-backups', endpoint: 'nrs.objectstore.gov.bc.ca', region: 'us-east-1', credentials: vault },
        },
        { name: 'repo3', retention: { full: 2 }, gcs: { bucket: 'jobstore-gcs', credentials: { existingSecret: { name: 'gcs-sa' } } } },
        {
          name: 'repo4',
          retention: { full: 2 },
          azure: {
            container: 'jobstore',
            pathPrefix: '/backups/jobstore',
            credentials: { existingSecret: { name: 'azure-storage', accessKeyIdKey: 'account', secretAccessKeyKey: 'key' } },
          },
        },
      ]),
    );
    const c = find(r, 'PostgresCluster', LIVE);

    test('each cloud repository gets a path of its own generation, below a namespaced prefix', () => {
      expect(c.spec.backups.pgbackrest.global).toEqual({
        'repo1-retention-full': '30',
        'repo1-retention-full-type': 'time',
        'repo2-retention-full': '4',
        'repo2-retention-full-type': 'count',
        'repo2-path': `/pgbackrest/f3c07a-prod/${LIVE}/repo2`,
        'repo3-retention-full': '2',
        'repo3-retention-full-type': 'count',
        'repo3-path': `/pgbackrest/f3c07a-prod/${LIVE}/repo3`,
        'repo4-retention-full': '2',
        'repo4-retention-full-type': 'count',
        'repo4-path': `/backups/jobstore/${LIVE}/repo4`,
      });
      expect(c.spec.backups.pgbackrest.repos.slice(1)).toEqual([
        {
          name: 'repo2',
          schedules: { full: '0 3 * * 0', differential: '0 3 * * 1-6' },
          s3: { bucket: 'jobstore-backups', endpoint: 'nrs.objectstore.gov.bc.ca', region: 'us-east-1' },
        },
        { name: 'repo3', gcs: { bucket: 'jobstore-gcs' } },
        { name: 'repo4', azure: { container: 'jobstore' } },
      ]);
      expect(r.state.databases['api-postgres'].generations[LIVE].archives).toEqual([
        { repo: 'repo1', kind: 'pvc', url: `pvc://f3c07a-prod/${LIVE}-repo1/` },
        { repo: 'repo2', kind: 's3', url: `s3://jobstore-backups/pgbackrest/f3c07a-prod/${LIVE}/repo2` },
        { repo: 'repo3', kind: 'gs', url: `gs://jobstore-gcs/pgbackrest/f3c07a-prod/${LIVE}/repo3` },
        { repo: 'repo4', kind: 'azure', url: `azure://jobstore/backups/jobstore/${LIVE}/repo4` },
      ]);
    });

    test('keys come from Vault / existing Secrets and reach pgBackRest as a projected INI file, never as values', () => {
      expect(c.spec.backups.pgbackrest.configuration).toEqual([{ secret: { name: 'api-postgres-pgbackrest-secrets' } }]);
      expect(find(r, 'VaultDynamicSecret', 'api-postgres-repo2-creds').spec.path).toBe('/aws/creds/jobstore-backup');
      const es = find(r, 'ExternalSecret', 'api-postgres-pgbackrest-secrets');
      expect(es.spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'api-postgres-pgbackrest-keys' });
      expect(es.spec.target.template.data).toEqual({
        'pgfleet-repos.conf': [
          '[global]',
          'repo2-s3-key={{ .repo2_id }}',
          'repo2-s3-key-secret={{ .repo2_secret }}',
          'repo3-gcs-key=/etc/pgbackrest/conf.d/repo3-gcs-key.json',
          'repo4-azure-account={{ .repo4_id }}',
          'repo4-azure-key={{ .repo4_secret }}',
          '',
        ].join('\n'),
        'repo3-gcs-key.json': '{{ .repo3_key }}',
      });
      expect(es.spec.data).toEqual([
        { secretKey: 'repo2_id', remoteRef: { key: 'api-postgres-repo2-creds', property: 'access_key' } },
        { secretKey: 'repo2_secret', remoteRef: { key: 'api-postgres-repo2-creds', property: 'secret_key' } },
        { secretKey: 'repo3_key', remoteRef: { key: 'gcs-sa', property: 'gcs-key.json' } },
        { secretKey: 'repo4_id', remoteRef: { key: 'azure-storage', property: 'account' } },
        { secretKey: 'repo4_secret', remoteRef: { key: 'azure-storage', property: 'key' } },
      ]);
      // The store may read exactly the Secrets the keys come from.
      expect(find(r, 'Role', 'api-postgres-pgbackrest-keys').rules[0].resourceNames).toEqual([
        'api-postgres-repo2-creds',
        'azure-storage',
        'gcs-sa',
      ]);
    });

    test('GCS keys minted by Vault are decoded from private_key_data', () => {
      const g = render(
        withRepos([
          {
            name: 'repo1',
            retention: { full: 2 },
            gcs: {
              bucket: 'b-gcs',
              credentials: { vault: { path: '/gcp/key/jobstore', role: 'jobstore', server: 'https://vault.example:8200' } },
            },
          },
        ]),
      );
      const es = find(g, 'ExternalSecret', 'api-postgres-pgbackrest-secrets');
      expect(es.spec.target.template.data['repo1-gcs-key.json']).toBe('{{ .repo1_key | b64dec }}');
      expect(es.spec.data).toEqual([
        { secretKey: 'repo1_key', remoteRef: { key: 'api-postgres-repo1-creds', property: 'private_key_data' } },
      ]);
    });

    test('fails on Vault credentials without a server, and an empty client selector', () => {
      const noServer = {
        name: 'repo2',
        retention: { full: 4 },
        s3: { bucket: 'b-s3', endpoint: 'e', region: 'r', credentials: { vault: { path: '/aws/creds/x', role: 'x' } } },
      };
      expect(issuesOf(() => render(withRepos([volumeRepo1(), noServer]))).map((x) => x.path)).toEqual([
        'pgfleet:databases[0].backups.repos[1].s3.credentials.vault.server',
      ]);
      const i = issuesOf(() => render(jobstore('prod', { networkPolicy: { clients: [{}] } })));
      expect(i.map((x) => [x.path, x.allowed])).toEqual([
        ['pgfleet:databases[0].networkPolicy.clients[0]', 'at least one label: an empty selector admits every pod of the namespace'],
      ]);
    });

    test('fails on credentials in global, managed options, a repository of two kinds, and a duplicate name', () => {
      const i = issuesOf(() =>
        render(
          jobstore('prod', {
            backups: {
              repos: [{ ...volumeRepo1(), s3: { bucket: 'b-s3', endpoint: 'e', region: 'r', credentials: vault } }, { ...volumeRepo1() }],
              global: { 'repo1-s3-key-secret': 'hunter2', 'repo1-path': '/x', 'compress-type': 'zst' },
            },
          }),
        ),
      );
      expect(i.map((x) => x.path)).toEqual([
        'pgfleet:databases[0].backups.repos[0].s3',
        'pgfleet:databases[0].backups.repos[1].name',
        'pgfleet:databases[0].backups.global.repo1-s3-key-secret',
        'pgfleet:databases[0].backups.global.repo1-path',
      ]);
      expect(i[0].allowed).toBe('exactly one of volume, s3, gcs or azure per repository');
      expect(i[2].allowed).toContain('no credentials');
      expect(i[3].fix).toContain('repos[].retention');
    });
  });

  describe('backup protection', () => {
    const r = render(jobstore('prod'));

    test('Pulumi never deletes the cluster (retainOnDelete) and protects it while it serves', () => {
      const o = r.objects.find((x) => x.file === CLUSTER_FILE)!;
      expect(o.dataBearing).toBe(LIVE);
      expect(dataOptions(o.dataBearing, LIVE)).toEqual({ retainOnDelete: true, protect: true });
    });

    test('each volume repository says what keeps its backups when the cluster is deleted, and the plan prints the PV patch', () => {
      expect(find(r, 'PostgresCluster', LIVE).metadata.annotations).toEqual({ 'pgfleet.io/repo1-on-cluster-delete': 'kept-by-pv-patch' });
      const d = diffRendered(new Map(), r);
      const added = d.objects.find((o) => o.file === CLUSTER_FILE)!.changes[0];
      expect(added.class).toBe('new-cluster');
      expect(stepLines(added)).toContain(`kubectl patch pv "$pv" -p '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}'`);
      expect(stepLines(added)).toContain(
        'postgres-operator.crunchydata.com/cluster=api-postgres-alpha,postgres-operator.crunchydata.com/pgbackrest-volume',
      );
    });

    test('a storage class that retains is checked instead', () => {
      const s = render(withRepos([{ ...volumeRepo1(), volume: { ...volumeRepo1().volume, onClusterDelete: 'kept-by-storage-class' } }]));
      const steps = stepLines(diffRendered(new Map(), s).objects.find((o) => o.file === CLUSTER_FILE)!.changes[0]);
      expect(steps).toContain("-o jsonpath='{.reclaimPolicy}'` prints Retain");
      expect(steps).not.toContain('kubectl patch pv');
    });

    test('fails when a volume repository does not say what keeps its backups', () => {
      const { onClusterDelete: _, ...volume } = volumeRepo1().volume;
      const i = issuesOf(() => render(withRepos([{ ...volumeRepo1(), volume }])));
      expect(i).toEqual([
        {
          path: 'pgfleet:databases[0].backups.repos[0].volume.onClusterDelete',
          value: undefined,
          allowed: 'one of "kept-by-storage-class", "kept-by-pv-patch", "deleted"',
          fix: 'use one of the allowed values',
        },
      ]);
    });

    test('dropping a volume repository of a live generation fails (PGO deletes its PVC) unless acknowledged', () => {
      const s3 = {
        name: 'repo2',
        retention: { full: 4 },
        s3: { bucket: 'b-s3', endpoint: 'e', region: 'r', credentials: { existingSecret: { name: 'aws' } } },
      };
      const i = issuesOf(() => renderAfter(jobstore('prod'), withRepos([s3])));
      expect(i).toHaveLength(1);
      expect(i[0].path).toBe('pgfleet:databases[0].backups.repos');
      expect(i[0].value).toBe('repo1');
      expect(i[0].allowed).toContain(`PGO deletes PVC ${LIVE}-repo1 and every backup in it`);
      expect(i[0].fix).toContain(`"destroys-data:${LIVE}"`);
      // Turning it into a cloud repository under the same name drops the PVC just the same.
      expect(issuesOf(() => renderAfter(jobstore('prod'), withRepos([{ ...s3, name: 'repo1' }])))[0].value).toBe('repo1');
      // Acknowledged, and the diff gates it under the same name.
      const before = render(jobstore('prod'));
      const after = render(withRepos([s3], { acknowledge: [`destroys-data:${LIVE}`] }), { previous: before.state });
      const d = diffRendered(before.files, after);
      const change = d.objects.find((o) => o.file === CLUSTER_FILE)!.changes.find((c) => c.class === 'destroys-data')!;
      expect(change.reasons[0].why).toContain('PGO deletes its PVC');
      expect(d.gate.required.map((a) => a.name)).toContain(`destroys-data:${LIVE}`);
      expect(d.gate.ok).toBe(true);
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
      expect(i[0].allowed).toContain('parameters PGO does not manage itself');
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
