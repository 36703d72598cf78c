import { dumpStamp } from '../../lib/engines/patroni/patroni-restore-schema';
import { TargetTime } from '../../lib/config/target-time';
import { render, renderAfter } from '../helpers';
import { hcap, issuesOf, restored } from './patroni-stack';

const at = (path: string) => `pgfleet:databases[0].${path}`;

describe('Patroni stack validation', () => {
  test('fails on a rolling count of 0 that would delete each new dump', () => {
    const issues = issuesOf(() => render(hcap({}, { retention: { daily: 5, weekly: 0, monthly: 1 } })));
    expect(issues).toEqual([expect.objectContaining({ path: at('backup.retention.weekly'), value: 0 })]);
    expect(issues[0].allowed).toContain('0 deletes each new weekly dump');
    expect(issues[0].fix).toBe('set retention.weekly: 1 or more');
  });

  test('fails on retention keys of the other strategy', () => {
    expect(issuesOf(() => render(hcap({}, { retention: { total: 30 } })))).toEqual([
      expect.objectContaining({ path: at('backup.retention.total') }),
    ]);
    expect(issuesOf(() => render(hcap({}, { strategy: 'daily', retention: { daily: 5 } })))).toEqual([
      expect.objectContaining({ path: at('backup.retention.daily'), fix: 'remove daily, or set strategy: rolling' }),
    ]);
  });

  test('fails when verification would run beside the dump', () => {
    const issues = issuesOf(() => render(hcap({}, { verification: { schedule: '0 2 * * *' } })));
    expect(issues).toEqual([expect.objectContaining({ path: at('backup.verification.schedule'), value: '0 2 * * *' })]);
  });

  test('fails on a time zone that is not an IANA name', () => {
    const issues = issuesOf(() => render(hcap({}, { timeZone: 'Pacific' })));
    expect(issues).toEqual([
      expect.objectContaining({ path: at('backup.timeZone'), value: 'Pacific', allowed: expect.stringContaining('IANA time zone') }),
    ]);
  });

  test('fails on an image without a tag', () => {
    const issues = issuesOf(() => render(hcap({}, { image: 'docker.io/bcgovimages/backup-container' })));
    expect(issues).toEqual([
      expect.objectContaining({
        path: at('backup.image'),
        fix: 'add the tag you vetted, e.g. "docker.io/bcgovimages/backup-container:<tag>"',
      }),
    ]);
  });

  test('fails when consumers are listed but no pod may reach the database', () => {
    const issues = issuesOf(() => render(hcap({ network: { clients: [] } })));
    expect(issues).toEqual([expect.objectContaining({ path: at('network.clients'), allowed: expect.stringContaining('hcap-server') })]);
  });

  test('fails on a backupFile that is not a dump of the source generation', () => {
    const issues = issuesOf(() => render(restored({ backupFile: '/backups/daily/2026-11-20/hcap-hcap_2026-11-20_02-00-00.sql.gz' })));
    expect(issues).toEqual([expect.objectContaining({ path: at('generations[1].restoreFrom.backupFile') })]);
    expect(issues[0].allowed).toContain('hcap-patroni-hcap_<YYYY-MM-DD_HH-MM-SS>.sql.gz');
  });

  test('fails on a backupFile when a generation holds several databases', () => {
    const issues = issuesOf(() =>
      render(
        restored(
          { backupFile: '/backups/daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz' },
          {},
          { databases: ['hcap', 'audit'] },
        ),
      ),
    );
    expect(issues).toEqual([
      expect.objectContaining({ path: at('generations[1].restoreFrom.backupFile'), fix: expect.stringContaining('targetTime') }),
    ]);
  });

  test('fails on a restore target time without an offset', () => {
    const issues = issuesOf(() => render(restored({ targetTime: '2026-11-20 01:30:00' })));
    expect(issues).toEqual([expect.objectContaining({ path: at('generations[1].restoreFrom.targetTime') })]);
  });

  test('fails when a name would exceed the CronJob name limit', () => {
    const issues = issuesOf(() =>
      render(hcap({ generations: [{ name: 'hcap-patroni-generation-two' }] }, { databases: ['hcap_application_data'] })),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        path: at('generations[0].name'),
        allowed: 'names up to 52 characters; the backup CronJob would be "hcap-patroni-generation-two-backup-hcap-application-data" (56)',
      }),
    ]);
  });

  test('several names too long: each message has its own path and value', () => {
    const gen = 'hcap-patroni-restored-20261120';
    const issues = issuesOf(() => render(hcap({ generations: [{ name: gen }] }, { databases: ['hcap_application', 'hcap_reporting_x'] })));
    expect(issues).toEqual([
      {
        path: at('generations[0].name'),
        value: gen,
        allowed: `names up to 52 characters; the backup CronJob would be "${gen}-backup-hcap-application" (54)`,
        fix: 'shorten the generation name, the database name or the id',
      },
      {
        path: at('generations[0].name'),
        value: gen,
        allowed: `names up to 52 characters; the backup CronJob would be "${gen}-backup-hcap-reporting-x" (54)`,
        fix: 'shorten the generation name, the database name or the id',
      },
    ]);
    // A too-long id and a too-long name in one entry: each keeps its own path.
    const both = issuesOf(() =>
      render(hcap({ generations: [{ name: gen }] }, { databases: ['hcap_application'], onDemand: { id: 'before-the-upgrade-1' } })),
    );
    expect(both.map((i) => [i.path, i.value])).toEqual([
      [at('generations[0].name'), gen],
      [at('backup.onDemand.id'), 'before-the-upgrade-1'],
    ]);
  });

  test('fails on an on-demand backup of an unknown generation and an in-place restore of one', () => {
    const issues = issuesOf(() =>
      render(
        hcap(
          {
            inPlaceRestore: { generation: 'hcap-old', id: 'x1', targetTime: '2026-11-20T09:30:00Z' },
            acknowledge: ['destroys-data:hcap-old'],
          },
          { onDemand: { id: 'a1', generation: 'hcap-old' } },
        ),
      ),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([at('backup.onDemand.generation'), at('inPlaceRestore.generation')]);
  });

  test('reports every problem at once', () => {
    const issues = issuesOf(() =>
      render(hcap({ network: { clients: [] } }, { timeZone: 'Pacific', retention: { daily: 0, weekly: 1, monthly: 1 } })),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([at('backup.retention.daily'), at('backup.timeZone'), at('network.clients')].sort());
  });

  test('fails when the application database is renamed after creation', () => {
    const issues = issuesOf(() => renderAfter(hcap(), hcap({ database: 'hcap_app' })));
    expect(issues).toEqual([
      expect.objectContaining({ path: at('database'), value: 'hcap_app', fix: expect.stringContaining('keep database: hcap') }),
    ]);
  });

  test('a dump stamp is the wall clock of the backup time zone, across daylight saving time', () => {
    const t = (s: string) => TargetTime.parse(s)!;
    expect(dumpStamp(t('2026-11-20T09:30:00Z'), 'America/Vancouver')).toBe('2026-11-20_01-30-00');
    expect(dumpStamp(t('2026-07-01T09:30:00Z'), 'America/Vancouver')).toBe('2026-07-01_02-30-00');
    expect(dumpStamp(t('2026-11-20 01:30:00-08:00'), 'America/Vancouver')).toBe('2026-11-20_01-30-00');
    expect(dumpStamp(t('2026-11-20T01:30:00+01:00'), 'Etc/UTC')).toBe('2026-11-20_00-30-00');
  });
});
