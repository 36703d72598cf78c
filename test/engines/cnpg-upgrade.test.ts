/** CloudNativePG engine: in-place major upgrade. */
import { find, render, renderAfter, issuesOf } from '../helpers';
import { forgejo } from './cnpg-stack';

describe('CloudNativePG engine', () => {
  describe('major upgrade', () => {
    const v17 = forgejo({ postgresVersion: 17 });
    const r = renderAfter(v17, forgejo({ postgresVersion: 18 }));

    test('raises the catalog major and moves the archive to a new serverName in the same change', () => {
      const before = find(render(v17), 'Cluster', 'forgejo-db');
      const after = find(r, 'Cluster', 'forgejo-db');
      expect(before.spec.imageCatalogRef.major).toBe(17);
      expect(after.spec.imageCatalogRef.major).toBe(18);
      expect(before.spec.plugins[0].parameters.serverName).toBe('forgejo-db-pg17');
      expect(after.spec.plugins[0].parameters.serverName).toBe('forgejo-db-pg18');
      expect(after.metadata.name).toBe(before.metadata.name);
    });

    test('fails for a downgrade, naming the field', () => {
      const i = issuesOf(() => renderAfter(forgejo({ postgresVersion: 18 }), v17));
      expect(i[0]).toMatchObject({ path: 'pgfleet:databases[0].postgresVersion', value: 17 });
      expect(i[0].allowed).toContain('18 or higher');
      expect(i[0].fix).toContain('restoreFrom');
    });

    test('fails for a restore onto another major', () => {
      const i = issuesOf(() =>
        render(
          forgejo({
            generations: [
              { name: 'forgejo-db' },
              { name: 'forgejo-db-r1', postgresVersion: 17, restoreFrom: { generation: 'forgejo-db' } },
            ],
            serving: 'forgejo-db',
          }),
        ),
      );
      expect(i[0]).toMatchObject({ path: 'pgfleet:databases[0].generations[1].postgresVersion', value: 17 });
    });
  });
});
