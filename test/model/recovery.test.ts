/** Recovery guarantees per engine (RPO, window, their sources), the objectives synth enforces, and what the state records. */
import { recoveryReport, type RecoveryRow } from '../../lib/model/recovery-report';
import { issuesOf, render } from '../helpers';
import { forgejo } from '../engines/cnpg-stack';
import { jobstore, prodDatabase, withRepos } from '../engines/crunchy-stack';
import { ciip, valuesOf, LIVE as CIIP } from '../engines/spilo-stack';
import { hcap } from '../engines/patroni-stack';
import { dumpToPvc, pydis } from '../engines/standalone-stack';

const rowsOf = (config: Record<string, unknown>): RecoveryRow[] => recoveryReport(render(config).resolved);
const brief = (config: Record<string, unknown>) =>
  rowsOf(config).map((r) => ({ generation: r.generation, method: r.method, rpo: r.rpo.text, window: r.window.text }));

describe('recovery guarantees, from the settings alone', () => {
  test('CloudNativePG: archive_timeout (its default 5min, or the stack parameter) and the Barman recovery window', () => {
    expect(brief(forgejo())).toEqual([{ generation: 'forgejo-db', method: 'wal', rpo: '30m', window: '10d' }]);
    const [row] = rowsOf(forgejo({ parameters: {} }, { retentionPolicy: '2m' }));
    expect(row.rpo).toEqual({
      seconds: 300,
      text: '5m',
      source: "WAL archived at least every 5m: archive_timeout, CloudNativePG's default (5min)",
    });
    // A month is a calendar month: at least 28 days.
    expect(row.window.text).toBe('56d');
    expect(row.restoreUses).toBe(
      'the newest base backup in s3://dal-site-backups/indigo/forgejo/postgres/forgejo-db-pg18/ before the target, then WAL from the same folder (barman-cloud-restore, barman-cloud-wal-restore)',
    );
    expect(rowsOf(forgejo({ parameters: { archive_timeout: '0' } }))[0].rpo).toMatchObject({ seconds: null, text: 'unbounded' });
  });

  test('Crunchy PGO: PGO’s archive_timeout 60s, and the repository that reaches back furthest', () => {
    expect(brief(jobstore('prod'))).toEqual([{ generation: 'api-postgres-alpha', method: 'wal', rpo: '1m', window: '30d' }]);
    const count = { ...prodDatabase().backups.repos[0], schedules: { full: '0 2 * * 0' }, retention: { full: 3, type: 'count' } };
    const [row] = rowsOf(withRepos([count]));
    expect(row.window).toEqual({
      seconds: 14 * 86_400,
      text: '14d',
      source: 'repo1-retention-full 3 (type count), a full backup every 7d: the oldest kept is 2 full intervals old right after a new one',
    });
  });

  test('Spilo: pgfleet sets archive_timeout 5min (Spilo writes 1800s) through SPILO_CONFIGURATION; the window is BACKUP_NUM_TO_RETAIN days', () => {
    expect(brief(ciip())).toEqual([{ generation: CIIP, method: 'wal', rpo: '5m', window: '90d' }]);
    expect(valuesOf(render(ciip()), CIIP).env?.SPILO_CONFIGURATION).toBe('{"postgresql":{"parameters":{"archive_timeout":"300s"}}}');
    const slow = ciip({}, { archiveTimeout: '15min' });
    expect(valuesOf(render(slow), CIIP).env?.SPILO_CONFIGURATION).toBe('{"postgresql":{"parameters":{"archive_timeout":"900s"}}}');
    expect(brief(slow)[0].rpo).toBe('15m');
  });

  test('Patroni: the longest gap between dumps (an hour more across a daylight-saving change) and the rotation that reaches back furthest', () => {
    const [row] = rowsOf(hcap());
    expect(row).toMatchObject({ method: 'dump', rpo: { seconds: 25 * 3600 }, window: { text: '4d' } });
    expect(row.rpo.source).toBe(
      'dumps on "0 2 * * *" (America/Vancouver): up to 25h between two dumps (across a daylight-saving change), and no WAL in between',
    );
    expect(rowsOf(hcap({}, { retention: { daily: 6, weekly: 4, monthly: 1 } }))[0].window.text).toBe('21d');
  });

  test('standalone: the dump schedule, and retention less one gap', () => {
    expect(brief(pydis('prod'))).toEqual([{ generation: 'postgres', method: 'dump', rpo: '1d', window: '6d' }]);
    expect(brief(pydis('prod', { backup: dumpToPvc }))[0].window).toBe('7d');
  });
});

describe('recovery objectives: synth refuses settings that cannot meet them', () => {
  test('a WAL engine: the setting that decides the RPO and the window, with the fix', () => {
    expect(issuesOf(() => render(forgejo({ recovery: { rpo: '5m', window: '30d' } })))).toEqual([
      {
        path: 'pgfleet:databases[0].parameters.archive_timeout',
        value: '30min',
        allowed:
          'a setting that meets recovery.rpo 5m: forgejo-db can lose up to 30m (WAL archived at least every 30m: archive_timeout 30min (parameters.archive_timeout))',
        fix: 'set parameters.archive_timeout to 5min or less: a WAL file is archived at least that often (an idle database then uploads more, mostly empty, 16 MB files)',
      },
      {
        path: 'pgfleet:databases[0].backup.retentionPolicy',
        value: '10d',
        allowed:
          'a setting that meets recovery.window 30d: a restore of forgejo-db is sure to reach back 10d only (retentionPolicy 10d: Barman keeps the base backups and WAL to reach any point of the last 10d)',
        fix: 'set backup.retentionPolicy to 30d or more (more object storage)',
      },
    ]);
    expect(() => render(forgejo({ recovery: { rpo: '30m', window: '10d' } }))).not.toThrow();
  });

  test('a dump engine: minutes need WAL archiving', () => {
    const [issue] = issuesOf(() => render(pydis('prod', { recovery: { rpo: '1h' } })));
    expect(issue.path).toBe('pgfleet:databases[0].backup.schedule');
    expect(issue.fix).toBe(
      'dump more often: a schedule whose runs are at most 1h apart (e.g. "0 */1 * * *"); an RPO of minutes needs WAL archiving (an engine with it: cnpg, crunchy, spilo)',
    );
  });

  test('an objective is a span with one unit', () => {
    expect(issuesOf(() => render(forgejo({ recovery: { rpo: '5 minutes' } })))[0]).toMatchObject({
      path: 'pgfleet:databases[0].recovery.rpo',
      allowed: 'a span of time: a whole number and s, m, h, d or w, e.g. 5m or 7d',
    });
  });

  test('the state records each generation’s guarantee', () => {
    expect(render(forgejo()).state.databases.forgejo.generations['forgejo-db'].recovery).toEqual({
      method: 'wal',
      rpoSeconds: 1800,
      windowSeconds: 864_000,
    });
  });
});
