/** Spilo engine: bad input is refused at synth, naming the field, what is allowed and the fix. */
import { render, renderAfter, issuesOf } from '../helpers';
import { ARCHIVE_TIMEOUT_ENV, BUCKET, ciip, LIVE, valuesOf } from './spilo-stack';

describe('Spilo engine', () => {
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
        ...ARCHIVE_TIMEOUT_ENV,
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
      // Without a previous state the retired name is unknown too: that is reported beside it.
      expect(overRetired.map((i) => i.path)).toEqual([
        'pgfleet:databases[0].generations[0].backupLocation',
        'pgfleet:databases[0].retired[0]',
      ]);
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
});
