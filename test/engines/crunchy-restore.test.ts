import { diffRendered } from '../../lib/review/stack-diff';
import { filesOf, find, render, renderAfter, stepLines } from '../helpers';
import { CLONE, issuesOf, jobstore, LIVE, prodDatabase, withRepos, withRestore } from './crunchy-stack';

const s3Repo = {
  name: 'repo2',
  retention: { full: 4 },
  s3: {
    bucket: 'jobstore-backups',
    endpoint: 'nrs.objectstore.gov.bc.ca',
    region: 'us-east-1',
    credentials: { existingSecret: { name: 'aws' } },
  },
};

describe('Crunchy PGO engine: restores', () => {
  describe('point in time into a new generation', () => {
    const r = render(withRestore('2024-02-06 19:50:11-08:00'));
    const clone = find(r, 'PostgresCluster', CLONE);

    test('renders the clone', () => {
      expect(filesOf(r)[`postgrescluster-${CLONE}.yaml`]).toMatchSnapshot();
    });

    test("a new PostgresCluster with dataSource.postgresCluster naming the live generation and the seed's target, with its offset", () => {
      expect(clone.spec.dataSource).toEqual({
        postgresCluster: {
          clusterName: LIVE,
          repoName: 'repo1',
          options: ['--type=time', '--target="2024-02-06 19:50:11-08:00"'],
        },
      });
      expect(clone.spec.postgresVersion).toBe(16);
      expect(r.state.databases['api-postgres'].generations[CLONE].bootstrap).toEqual({
        kind: 'restore',
        source: LIVE,
        target: { kind: 'time', time: '2024-02-06T19:50:11-08:00' },
      });
    });

    test("times written as RFC 3339 or UTC keep their instant and get PostgreSQL's format", () => {
      const opts = (t: string) => find(render(withRestore(t)), 'PostgresCluster', CLONE).spec.dataSource.postgresCluster.options;
      expect(opts('2024-02-07T03:50:11Z')).toEqual(['--type=time', '--target="2024-02-07 03:50:11+00:00"']);
      expect(opts('2024-02-07T09:20:11.250+05:30')).toEqual(['--type=time', '--target="2024-02-07 09:20:11.250+05:30"']);
    });

    test('the clone writes to its own repository: its own PVC, and its own path in a shared bucket', () => {
      const gens = r.state.databases['api-postgres'].generations;
      expect(gens[LIVE].archives).toEqual([{ repo: 'repo1', kind: 'pvc', url: `pvc://f3c07a-prod/${LIVE}-repo1/` }]);
      expect(gens[CLONE].archives).toEqual([{ repo: 'repo1', kind: 'pvc', url: `pvc://f3c07a-prod/${CLONE}-repo1/` }]);

      const withS3 = (repos: unknown[]) =>
        withRepos(repos as Record<string, unknown>[], {
          generations: [
            { name: LIVE },
            { name: CLONE, restoreFrom: { generation: LIVE, targetTime: '2024-02-06T19:50:11-08:00' }, restoreRepo: 'repo2' },
          ],
          serving: LIVE,
        });
      const c = render(withS3([prodDatabase().backups.repos[0], s3Repo]));
      const path = (name: string) => find(c, 'PostgresCluster', name).spec.backups.pgbackrest.global['repo2-path'];
      expect(path(LIVE)).toBe(`/pgbackrest/f3c07a-prod/${LIVE}/repo2`);
      expect(path(CLONE)).toBe(`/pgbackrest/f3c07a-prod/${CLONE}/repo2`);
      expect(find(c, 'PostgresCluster', CLONE).spec.dataSource.postgresCluster.repoName).toBe('repo2');
      const archives = Object.values(c.state.databases['api-postgres'].generations).flatMap((g) => g.archives.map((a) => a.url));
      expect(new Set(archives).size).toBe(4);
    });

    test("the live generation's output is byte-identical before and after the restore is added", () => {
      const before = filesOf(render(jobstore('prod')));
      const after = filesOf(renderAfter(jobstore('prod'), withRestore()));
      for (const f of [
        `postgrescluster-${LIVE}.yaml`,
        'networkpolicy-api-postgres-postgres.yaml',
        'externalsecret-api-database-url.yaml',
        'externalsecret-sidecar-database-url.yaml',
      ]) {
        expect(after[f]).toBe(before[f]);
      }
      expect(Object.keys(after).filter((f) => !(f in before))).toEqual([`postgrescluster-${CLONE}.yaml`]);
    });

    test('pgfleet diff: a new cluster, with the restore Job to watch and the cutover to follow', () => {
      const before = render(jobstore('prod'));
      const d = diffRendered(before.files, render(withRestore(), { previous: before.state }));
      const added = d.objects.find((o) => o.file === `postgrescluster-${CLONE}.yaml`)!;
      expect(added.class).toBe('new-cluster');
      const steps = stepLines(added.changes[0]);
      expect(steps).toContain(`logs -f job/${CLONE}-pgbackrest-restore`);
      expect(steps).toContain(`check: no InvalidDataSource event`);
      expect(d.objects.find((o) => o.file === `postgrescluster-${LIVE}.yaml`)).toBeUndefined();
      expect(d.gate.ok).toBe(true);
    });

    test('LSN, named and latest targets', () => {
      const ds = (restoreFrom: Record<string, unknown>) =>
        find(
          render(
            jobstore('prod', {
              generations: [{ name: LIVE }, { name: CLONE, restoreFrom: { generation: LIVE, ...restoreFrom } }],
              serving: LIVE,
            }),
          ),
          'PostgresCluster',
          CLONE,
        ).spec.dataSource.postgresCluster;
      expect(ds({ targetLSN: '0/3000060' }).options).toEqual(['--type=lsn', '--target="0/3000060"']);
      expect(ds({ targetName: 'before-migration-42', backupSet: '20240206-020003F' }).options).toEqual([
        '--type=name',
        '--target="before-migration-42"',
        '--set=20240206-020003F',
      ]);
      expect(ds({})).toEqual({ clusterName: LIVE, repoName: 'repo1' });
    });

    test("cutover: DATABASE_URL follows serving to the clone's pguser Secret", () => {
      const cut = render(
        jobstore('prod', {
          generations: [{ name: LIVE }, { name: CLONE, restoreFrom: { generation: LIVE, targetTime: '2024-02-06 19:50:11-08:00' } }],
          serving: CLONE,
        }),
      );
      expect(find(cut, 'ExternalSecret', 'api-database-url').spec.data[0].remoteRef).toEqual({
        key: `${CLONE}-pguser-admin`,
        property: 'uri',
      });
      expect(find(cut, 'Role', 'api-postgres-connections').rules[0].resourceNames).toEqual([
        `${LIVE}-pguser-admin`,
        `${CLONE}-pguser-admin`,
      ]);
    });

    test('removing restoreFrom once restored only drops dataSource, which pgfleet diff calls a no-op', () => {
      const done = jobstore('prod', { generations: [{ name: LIVE }, { name: CLONE }], serving: CLONE });
      const before = render(withRestore());
      const after = render(done, { previous: before.state });
      const a = filesOf(before)[`postgrescluster-${CLONE}.yaml`].split('\n');
      const b = filesOf(after)[`postgrescluster-${CLONE}.yaml`].split('\n');
      expect(a.filter((l) => !b.includes(l))).toEqual([
        '  dataSource:',
        '    postgresCluster:',
        `      clusterName: ${LIVE}`,
        '      options:',
        '        - --type=time',
        '        - --target="2024-02-06 19:50:11-08:00"',
        '      repoName: repo1',
      ]);
      const change = diffRendered(before.files, after).objects.find((o) => o.file === `postgrescluster-${CLONE}.yaml`)!;
      expect(change.class).toBe('no-op');
    });
  });

  describe('refused restores', () => {
    test('a target time without an offset', () => {
      const i = issuesOf(() => render(withRestore('2024-02-06 19:50:11')));
      expect(i).toHaveLength(1);
      expect(i[0].path).toBe('pgfleet:databases[0].generations[1].restoreFrom.targetTime');
      expect(i[0].allowed).toBe('a time with an explicit UTC offset or Z');
      expect(i[0].fix).toContain('"2024-02-06 19:50:11-08:00"');
      // The seed's own format (a zone abbreviation) is refused as well.
      expect(issuesOf(() => render(withRestore('2024-02-06 19:50:11 PST')))[0].path).toBe(
        'pgfleet:databases[0].generations[1].restoreFrom.targetTime',
      );
    });

    test('from an unknown generation', () => {
      const i = issuesOf(() =>
        render(
          jobstore('prod', {
            generations: [
              { name: LIVE },
              { name: CLONE, restoreFrom: { generation: 'api-postgres-old', targetTime: '2024-02-06T19:50:11Z' } },
            ],
            serving: LIVE,
          }),
        ),
      );
      expect(i).toEqual([
        expect.objectContaining({
          path: 'pgfleet:databases[0].generations[1].restoreFrom.generation',
          value: 'api-postgres-old',
          allowed: `another live generation of api-postgres: ${LIVE}`,
        }),
      ]);
    });

    test('retiring the generation a restore still reads from (PGO needs the source cluster)', () => {
      const i = issuesOf(() =>
        render(
          jobstore('prod', {
            generations: [{ name: LIVE }, { name: CLONE, restoreFrom: { generation: LIVE, targetTime: '2024-02-06T19:50:11Z' } }],
            serving: CLONE,
            retired: [LIVE],
          }),
        ),
      );
      expect(i.map((x) => x.path)).toContain('pgfleet:databases[0].retired[0]');
      expect(i.find((x) => x.path === 'pgfleet:databases[0].retired[0]')!.allowed).toContain(
        `a generation no live generation reads from (${CLONE} does)`,
      );
    });

    test('a restore point name a shell would interpret, an unknown restore repository, restoreRepo without restoreFrom', () => {
      const i = issuesOf(() =>
        render(
          jobstore('prod', {
            generations: [
              { name: LIVE, restoreRepo: 'repo1' },
              {
                name: CLONE,
                restoreFrom: { generation: LIVE, targetName: 'x"; rm -rf $PGDATA', backupSet: '20240206-020003F' },
                restoreRepo: 'repo3',
              },
            ],
            serving: LIVE,
          }),
        ),
      );
      expect(i.map((x) => [x.path, x.allowed])).toEqual([
        ['pgfleet:databases[0].generations[0].restoreRepo', 'restoreRepo only with restoreFrom'],
        ['pgfleet:databases[0].generations[1].restoreFrom.targetName', expect.stringContaining('PGO passes it through a shell')],
        ['pgfleet:databases[0].generations[1].restoreRepo', 'a repository of this database: repo1'],
      ]);
    });

    test('an unknown restore repository', () => {
      const i = issuesOf(() => render(withRestore('2024-02-06T19:50:11Z', { restoreRepo: 'repo3' })));
      expect(i.map((x) => [x.path, x.allowed])).toEqual([
        ['pgfleet:databases[0].generations[1].restoreRepo', 'a repository of this database: repo1'],
      ]);
    });
  });

  describe('in place (destructive)', () => {
    const inPlace = (acknowledge: string[]) =>
      jobstore('prod', {
        generations: [{ name: LIVE, restoreInPlace: { id: 'undo-migration-42', targetTime: '2024-02-06 19:50:11-08:00' } }],
        acknowledge,
      });

    test('fails unless the stack acknowledges it by name', () => {
      expect(issuesOf(() => render(inPlace([])))).toEqual([
        {
          path: 'pgfleet:databases[0].generations[0].restoreInPlace',
          value: { id: 'undo-migration-42', targetTime: '2024-02-06 19:50:11-08:00' },
          allowed: `an in-place restore only when acknowledged: PGO stops ${LIVE} and overwrites its data with the restored backup`,
          fix: `add "destroys-data:${LIVE}" to acknowledge; or restore into a new generation with restoreFrom, which leaves ${LIVE} untouched`,
        },
      ]);
      expect(issuesOf(() => render(inPlace([`destroys-data:${CLONE}`])))[0].fix).toContain(`"destroys-data:${LIVE}"`);
    });

    test('acknowledged: restore.enabled with the options and the pgbackrest-restore annotation', () => {
      const c = find(render(inPlace([`destroys-data:${LIVE}`])), 'PostgresCluster', LIVE);
      expect(c.spec.backups.pgbackrest.restore).toEqual({
        enabled: true,
        repoName: 'repo1',
        options: ['--type=time', '--target="2024-02-06 19:50:11-08:00"'],
      });
      expect(c.metadata.annotations['postgres-operator.crunchydata.com/pgbackrest-restore']).toBe('undo-migration-42');
    });

    test('pgfleet diff gates it as destroys-data under the same acknowledgement', () => {
      const before = render(jobstore('prod'));
      const d = diffRendered(before.files, render(inPlace([`destroys-data:${LIVE}`]), { previous: before.state }));
      const change = d.objects.find((o) => o.file === `postgrescluster-${LIVE}.yaml`)!;
      expect(change.class).toBe('destroys-data');
      expect(d.gate.required.map((a) => a.name)).toEqual([`destroys-data:${LIVE}`]);
      expect(d.gate.ok).toBe(true);
    });
  });
});
