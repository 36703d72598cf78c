/**
 * Standalone engine: bad input is refused at synth with the config path, what is allowed and the
 * fix, every problem at once.
 */
import { ConfigError } from '../../lib/config/config-error';
import { render } from '../helpers';
import { dumpToPvc, issuesOf, LIVE, NEXT, prodDatabase, pydis, upgrading } from './standalone-stack';

const DB = 'pgfleet:databases[0]';

describe('standalone engine: errors', () => {
  test("fails when blackbox's client is older than the server it dumps (pg_dumpall refuses)", () => {
    // Cutting over to 17 while blackbox still installs postgresql-client-16.
    const blackbox = prodDatabase().backup;
    const issues = issuesOf(() => render(upgrading({ serving: NEXT, backup: blackbox })));
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe(`${DB}.backup.image`);
    expect(issues[0].allowed).toContain(
      "blackbox's pg_dumpall 16 (docker.io/lemonsaurus/blackbox:main) refuses postgres-17's PostgreSQL 17",
    );
    expect(issues[0].fix).toBe('use a blackbox image with postgresql-client-17 and set backup.clientMajor: 17');
    expect(() => render(upgrading({ serving: NEXT, backup: { ...blackbox, clientMajor: 17 } }))).not.toThrow();
    // Before the cutover blackbox still dumps the 16 server through the Service: accepted.
    expect(() => render(upgrading({ backup: blackbox }))).not.toThrow();
  });

  test("fails when a dump image's client is older than a generation it dumps, naming both", () => {
    const issues = issuesOf(() => render(pydis('prod', { backup: { ...dumpToPvc, image: 'docker.io/library/postgres:15.8' } })));
    expect(issues.map((i) => i.path)).toEqual([`${DB}.backup.image`]);
    expect(issues[0].allowed).toBe(
      "a client at least as new as every server it dumps: pg_dumpall 15 (docker.io/library/postgres:15.8) refuses postgres's PostgreSQL 16",
    );
    expect(issues[0].fix).toContain('postgres:16');
  });

  test('fails when the client major cannot be read from the image tag', () => {
    const issues = issuesOf(() => render(pydis('prod', { backup: { ...dumpToPvc, image: 'ghcr.io/example/pgtools:latest' } })));
    expect(issues.map((i) => i.path)).toEqual([`${DB}.backup.clientMajor`]);
    expect(issues[0].allowed).toBe('the PostgreSQL major of pg_dumpall in ghcr.io/example/pgtools:latest');
  });

  test('fails on an upgrade without the list of writers', () => {
    const issues = issuesOf(() => render(upgrading({ writers: undefined })));
    expect(issues.map((i) => i.path)).toEqual([`${DB}.writers`]);
    expect(issues[0].value).toBeUndefined();
    expect(issues[0].allowed).toContain('scaled to zero before postgres-17 dumps postgres');
    expect(issues[0].fix).toContain('writers: []');
  });

  test('fails on a downgrade: an upgrade to a lower or equal major', () => {
    const issues = issuesOf(() =>
      render(upgrading({ generations: [{ name: LIVE }, { name: NEXT, postgresVersion: 15, upgradeFrom: { generation: LIVE } }] })),
    );
    expect(issues.map((i) => i.path)).toEqual([`${DB}.generations[1].postgresVersion`]);
    expect(issues[0].allowed).toBe("a major above postgres's 16");
  });

  test('fails on a downgrade or an in-place raise of an existing generation', () => {
    const base = render(pydis('prod', { backup: dumpToPvc }));
    const down = issuesOf(() => render(pydis('prod', { backup: dumpToPvc, postgresVersion: 15 }), { previous: base.state }));
    expect(down.map((i) => i.path)).toEqual([`${DB}.postgresVersion`]);
    expect(down[0].allowed).toContain('a data directory cannot go back a major');
    const up = issuesOf(() => render(pydis('prod', { backup: dumpToPvc, postgresVersion: 17 }), { previous: base.state }));
    expect(up.map((i) => i.path)).toEqual([`${DB}.postgresVersion`]);
    expect(up[0].allowed).toBe('16: standalone does not upgrade a generation in place');
    expect(up[0].fix).toContain('add a new generation with upgradeFrom');
  });

  test('fails when an upgraded generation changes its source afterwards (its import ran once)', () => {
    const three = (from: string) =>
      upgrading({
        generations: [
          { name: LIVE },
          { name: 'postgres-b', postgresVersion: 16 },
          { name: NEXT, postgresVersion: 17, upgradeFrom: { generation: from } },
        ],
      });
    const first = render(three(LIVE));
    const issues = issuesOf(() => render(three('postgres-b'), { previous: first.state }));
    expect(issues.map((i) => i.path)).toEqual([`${DB}.generations[2].upgradeFrom`]);
    expect(issues[0].fix).toContain('add a generation with a new name');
  });

  test('fails when writers change while the upgraded generation is being cut over', () => {
    const cut = render(upgrading({ serving: NEXT }));
    const issues = issuesOf(() =>
      render(upgrading({ serving: NEXT, writers: [{ namespace: 'web', name: 'site', replicas: 3 }] }), { previous: cut.state }),
    );
    expect(issues.map((i) => i.path)).toEqual([`${DB}.writers`]);
    expect(issues[0].fix).toContain('remove upgradeFrom from postgres-17 first');
  });

  test('fails on a blackbox restore from a file blackbox does not write, and on targets dumps cannot reach', () => {
    const restoreBlackbox = (backupFile: string) =>
      pydis('prod', { generations: [{ name: LIVE }, { name: 'r', restoreFrom: { generation: LIVE, backupFile } }], serving: LIVE });
    const blackbox = issuesOf(() => render(restoreBlackbox('postgres-20261120T150000Z.sql.gz')));
    expect(blackbox).toEqual([
      {
        path: `${DB}.generations[1].restoreFrom.backupFile`,
        value: 'postgres-20261120T150000Z.sql.gz',
        allowed: 'a dump blackbox uploaded for postgres: postgres_blackbox_<DD_MM_YYYY>.sql.gz at the root of the bucket of frankfurt_s3',
        fix: 'name one of its files (e.g. postgres_blackbox_20_11_2026.sql.gz), or remove backupFile for the newest',
      },
    ]);
    expect(() => render(restoreBlackbox('postgres_blackbox_20_11_2026.sql.gz'))).not.toThrow();
    const time = issuesOf(() =>
      render(
        pydis('prod', {
          backup: dumpToPvc,
          generations: [{ name: LIVE }, { name: 'r', restoreFrom: { generation: LIVE, targetTime: '2026-11-20T08:00:00Z' } }],
          serving: LIVE,
        }),
      ),
    );
    expect(time.map((i) => i.path)).toEqual([`${DB}.generations[1].restoreFrom.targetTime`]);
  });

  test('reports every problem at once: no storage class, a reserved parameter, a tag of another major, a writer twice', () => {
    const issues = issuesOf(() =>
      render(
        pydis('prod', {
          storage: { size: '25Gi' },
          parameters: { port: 5433, shared_buffers: '1GB' },
          image: { repository: 'docker.io/library/postgres', tags: { '16': '17.2-bookworm' } },
          writers: [
            { namespace: 'web', name: 'site', replicas: 1 },
            { namespace: 'web', name: 'site', replicas: 2 },
          ],
        }),
      ),
    );
    expect(issues.map((i) => i.path)).toEqual([
      `${DB}.storage.storageClass`,
      `${DB}.parameters.port`,
      `${DB}.image.tags["16"]`,
      `${DB}.writers[1]`,
    ]);
    expect(issues[0].allowed).toContain('reclaimPolicy Retain');
    expect(issues[1].fix).toBe('remove port');
  });

  test('the message carries path, value, what is allowed and the fix', () => {
    try {
      render(upgrading({ writers: undefined }));
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toMatch(
        /pgfleet:databases\[0\]\.writers: found \(missing\)\n\s+allowed: a list of the Deployments that write to postgres/,
      );
    }
  });
});
