/** Crunchy PGO engine: the pgBackRest repositories (one-off backups, cloud repositories, what keeps the backups). */
import { dataOptions } from '../../lib/pulumi/program';
import { diffRendered } from '../../lib/review/stack-diff';
import { filesOf, find, render, renderAfter, stepLines } from '../helpers';
import { CLUSTER_FILE, issuesOf, jobstore, LIVE, prodDatabase, volumeRepo1, withRepos } from './crunchy-stack';

describe('Crunchy PGO engine', () => {
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
});
