/** Spilo engine: point-in-time recovery into a new scope, cutover, and what is refused. */
import { DataBearing } from '../../lib/constructs/data-bearing';
import { all, filesOf, find, render, renderAfter, issuesOf } from '../helpers';
import { ARCHIVE_TIMEOUT_ENV, BUCKET, ciip, CLONE_FROM_LIVE, LIVE, restored, valuesOf } from './spilo-stack';

describe('Spilo engine', () => {
  describe('point-in-time recovery', () => {
    const live = render(ciip());
    const r = renderAfter(ciip(), restored({ targetTime: '2022-06-05 08:00:00-08:00' }));

    test('adds a release with a new scope whose env clones the live scope up to the target', () => {
      expect(r.files.get('helmrelease-ciip-portal-r1.values.yaml')).toMatchSnapshot();
      const v = valuesOf(r, 'ciip-portal-r1');
      expect(v.fullnameOverride).toBe('ciip-portal-r1');
      expect(v.env).toEqual({
        ...CLONE_FROM_LIVE,
        CLONE_TARGET_TIME: '2022-06-05 08:00:00-08:00',
        PGVERSION: '12',
        ...ARCHIVE_TIMEOUT_ENV,
      });
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
      expect(valuesOf(render(restored({})), 'ciip-portal-r1').env).toEqual({ ...CLONE_FROM_LIVE, PGVERSION: '12', ...ARCHIVE_TIMEOUT_ENV });
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
      expect(v.env).toEqual({ PGVERSION: '12', ...ARCHIVE_TIMEOUT_ENV });
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
});
