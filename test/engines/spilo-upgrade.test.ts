/** Spilo engine: major upgrade by a blue/green clone onto the new PGVERSION. */
import { filesOf, find, render, renderAfter, issuesOf } from '../helpers';
import { ARCHIVE_TIMEOUT_ENV, BUCKET, ciip, CLONE_FROM_LIVE, LIVE, upgraded, valuesOf } from './spilo-stack';

describe('Spilo engine', () => {
  describe('major upgrade (blue/green)', () => {
    const before = render(ciip());
    const r = renderAfter(ciip(), upgraded());

    test('a new scope clones the live one onto the new PGVERSION, into its own prefix', () => {
      expect(r.files.get('helmrelease-ciip-portal-pg14.values.yaml')).toMatchSnapshot();
      const v = valuesOf(r, 'ciip-portal-pg14');
      expect(v.env).toEqual({ ...CLONE_FROM_LIVE, PGVERSION: '14', ...ARCHIVE_TIMEOUT_ENV });
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
});
