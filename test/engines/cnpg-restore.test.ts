/** CloudNativePG engine: point-in-time recovery into a second cluster. */
import { all, filesOf, find, render, renderAfter, issuesOf } from '../helpers';
import { forgejo, restored } from './cnpg-stack';

describe('CloudNativePG engine', () => {
  describe('point-in-time recovery', () => {
    const live = render(forgejo());
    const r = renderAfter(forgejo(), restored({ targetTime: '2026-11-20T08:00:00+01:00' }));

    test('adds a second cluster with a new name and a fresh serverName', () => {
      expect(filesOf(r)).toMatchSnapshot();
      const c = find(r, 'Cluster', 'forgejo-db-r1');
      expect(c.spec.plugins[0].parameters).toEqual({ barmanObjectName: 'forgejo-backups', serverName: 'forgejo-db-r1-pg18' });
      expect(r.state.databases.forgejo.generations['forgejo-db-r1'].archives).toEqual([
        { kind: 's3', url: 's3://dal-site-backups/indigo/forgejo/postgres/forgejo-db-r1-pg18/' },
      ]);
      expect(find(r, 'ScheduledBackup', 'forgejo-db-r1').spec.cluster).toEqual({ name: 'forgejo-db-r1' });
    });

    test("recovers from the live cluster's archive up to the target time", () => {
      const c = find(r, 'Cluster', 'forgejo-db-r1');
      expect(c.spec.bootstrap).toEqual({
        recovery: { source: 'forgejo-db', database: 'app', owner: 'app', recoveryTarget: { targetTime: '2026-11-20T08:00:00+01:00' } },
      });
      expect(c.spec.externalClusters).toEqual([
        {
          name: 'forgejo-db',
          plugin: {
            name: 'barman-cloud.cloudnative-pg.io',
            parameters: { barmanObjectName: 'forgejo-backups', serverName: 'forgejo-db-pg18' },
          },
        },
      ]);
      // It reads the live archive and writes its own: the two never coincide.
      expect(c.spec.externalClusters[0].plugin.parameters.serverName).toBe(
        find(live, 'Cluster', 'forgejo-db').spec.plugins[0].parameters.serverName,
      );
      expect(c.spec.plugins[0].parameters.serverName).not.toBe(c.spec.externalClusters[0].plugin.parameters.serverName);
    });

    test("leaves the live cluster's objects byte-identical and consumers on the live cluster", () => {
      const before = filesOf(live);
      const after = filesOf(r);
      for (const f of [
        'cluster-forgejo-db.yaml',
        'scheduledbackup-forgejo-db.yaml',
        'objectstore-forgejo-backups.yaml',
        'externalsecret-forgejo-database-url.yaml',
      ]) {
        expect(after[f]).toBe(before[f]);
      }
    });

    test('a Z target is written with a numeric offset (cloudnative-pg#10819)', () => {
      const z = render(restored({ targetTime: '2026-11-20T07:00:00Z' }));
      expect(find(z, 'Cluster', 'forgejo-db-r1').spec.bootstrap.recovery.recoveryTarget).toEqual({
        targetTime: '2026-11-20T07:00:00+00:00',
      });
    });

    test('the latest point needs no target; LSN and named targets are passed on', () => {
      expect(find(render(restored({})), 'Cluster', 'forgejo-db-r1').spec.bootstrap.recovery.recoveryTarget).toBeUndefined();
      expect(find(render(restored({ targetLSN: '0/3000060' })), 'Cluster', 'forgejo-db-r1').spec.bootstrap.recovery.recoveryTarget).toEqual(
        { targetLSN: '0/3000060' },
      );
      expect(
        find(render(restored({ targetName: 'before-migration', backupID: '20261120T000003' })), 'Cluster', 'forgejo-db-r1').spec.bootstrap
          .recovery.recoveryTarget,
      ).toEqual({
        targetName: 'before-migration',
        backupID: '20261120T000003',
      });
    });

    test('fails for a named target without a backupID', () => {
      const i = issuesOf(() => render(restored({ targetName: 'x' })));
      expect(i[0].path).toBe('pgfleet:databases[0].generations[1].restoreFrom.backupID');
    });

    test('fails for a target time without an offset, naming the field', () => {
      const i = issuesOf(() => render(restored({ targetTime: '2026-11-20 08:00:00' })));
      expect(i.map((x) => x.path)).toEqual(['pgfleet:databases[0].generations[1].restoreFrom.targetTime']);
      expect(i[0].allowed).toBe('a time with an explicit UTC offset or Z');
    });

    test('fails for a restore source that does not exist', () => {
      const i = issuesOf(() =>
        render(
          forgejo({
            generations: [
              { name: 'forgejo-db' },
              { name: 'forgejo-db-r1', restoreFrom: { generation: 'forgejo-old', targetTime: '2026-11-20T08:00:00Z' } },
            ],
            serving: 'forgejo-db',
          }),
        ),
      );
      expect(i[0]).toMatchObject({
        path: 'pgfleet:databases[0].generations[1].restoreFrom.generation',
        value: 'forgejo-old',
        allowed: 'another live generation of forgejo: forgejo-db',
      });
    });

    test('fails without an explicit serving generation once two are live', () => {
      const i = issuesOf(() => render(restored({ targetTime: '2026-11-20T08:00:00Z' }, { serving: undefined })));
      expect(i[0]).toMatchObject({
        path: 'pgfleet:databases[0].serving',
        allowed: 'the live generation consumers use: one of forgejo-db, forgejo-db-r1',
      });
    });

    test("cutover moves the consumer to the restored cluster's secret", () => {
      const cut = render(restored({ targetTime: '2026-11-20T08:00:00Z' }, { serving: 'forgejo-db-r1' }));
      expect(find(cut, 'ExternalSecret', 'forgejo-database-url').spec.data[0].remoteRef).toEqual({
        key: 'forgejo-db-r1-app',
        property: 'uri',
      });
      expect(find(cut, 'Role', 'forgejo-connections').rules[0].resourceNames).toEqual(['forgejo-db-app', 'forgejo-db-r1-app']);
    });

    test("removing restoreFrom after the restore keeps the cluster's name and archive (create-only fields)", () => {
      const done = renderAfter(
        restored({ targetTime: '2026-11-20T08:00:00Z' }, { serving: 'forgejo-db-r1' }),
        forgejo({ generations: [{ name: 'forgejo-db' }, { name: 'forgejo-db-r1' }], serving: 'forgejo-db-r1' }),
      );
      const c = find(done, 'Cluster', 'forgejo-db-r1');
      expect(c.metadata.name).toBe('forgejo-db-r1');
      expect(c.spec.plugins[0].parameters.serverName).toBe('forgejo-db-r1-pg18');
      expect(done.objects.find((o) => o.file === 'cluster-forgejo-db-r1.yaml')!.dataBearing).toBe('forgejo-db-r1');
    });

    test('fails to retire a generation a restore still reads from', () => {
      const i = issuesOf(() =>
        render(restored({ targetTime: '2026-11-20T08:00:00Z' }, { serving: 'forgejo-db-r1', retired: ['forgejo-db'] })),
      );
      expect(i.map((x) => x.path)).toContain('pgfleet:databases[0].retired[0]');
    });

    test("retiring by name removes the old generation's objects", () => {
      const r2 = renderAfter(
        forgejo({ generations: [{ name: 'forgejo-db' }, { name: 'forgejo-db-r1' }], serving: 'forgejo-db-r1' }),
        forgejo({ generations: [{ name: 'forgejo-db' }, { name: 'forgejo-db-r1' }], serving: 'forgejo-db-r1', retired: ['forgejo-db'] }),
      );
      expect(all(r2, 'Cluster').map((c) => c.metadata.name)).toEqual(['forgejo-db-r1']);
      expect(r2.state.databases.forgejo.retired).toEqual(['forgejo-db']);
    });
  });
});
