/**
 * Rolling retention of hcap's backup CronJob over 16 simulated nights (libfaketime), run as
 * rendered against the REAL backup-container scripts: hcap-prod keeps 5 daily, 1 weekly and 1
 * monthly dump, hcap-dev 3, 1 and none. One file per release, so jest runs them side by side.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describeWithTools } from '../helpers';
import { POSTGRES_TOOLS } from '../real-postgres';
import { describeWithUpstream } from '../upstream';
import { type BackupContainerVersion, FAKETIME_LIB, filesUnder, POD_TOOLS } from './backup-container-pod';
import { Fleet } from './backup-container-fleet';

const DUMP = /^(daily|weekly|monthly)\/(\d{4}-\d\d-\d\d)\/hcap-patroni-hcap_(\d{4}-\d\d-\d\d)_\d\d-\d\d-\d\d\.sql\.gz$/;

const days = (from: string, n: number) =>
  Array.from({ length: n }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
/**
 * Two stretches of nights (a CronJob may miss nights; backup.sh prunes by count, not by date):
 * month ends 2026-09-30 and 2026-10-31, Sundays 09-27, 10-25 and 11-01, and dailies around them.
 */
const NIGHTS = [...days('2026-09-27', 6), ...days('2026-10-24', 10)];

/** The suite for one release. */
export function retentionSuite(version: BackupContainerVersion): void {
  const upstream = [`backup-container-${version}`, 'sclorg-postgresql-container-804ef01'] as const;
  describeWithUpstream(upstream, `rolling retention with the real backup-container ${version}`, () => {
    describeWithTools([...POSTGRES_TOOLS, ...POD_TOOLS, FAKETIME_LIB], 'real PostgreSQL, simulated nights', () => {
      let fleet: Fleet;
      beforeAll(async () => {
        fleet = await Fleet.start(version, ['hcap-patroni']);
        fleet.server('hcap-patroni').sql('SET ROLE hcap; CREATE TABLE visits (id int PRIMARY KEY)', 'hcap');
      });
      afterAll(() => fleet?.stop());

      test.each([
        ['hcap-prod', { daily: 5, weekly: 1, monthly: 1 }],
        ['hcap-dev', { daily: 3, weekly: 1, monthly: 0 }],
      ] as const)('rolling retention over 16 nights across two month ends (%s: %o)', (_stack, retention) => {
        const vol = fleet.volume('hcap-patroni');
        fs.rmSync(vol, { recursive: true, force: true });
        fs.mkdirSync(vol);
        spawnSync('chown', ['postgres:postgres', vol]);
        const r = fleet.render({}, { retention });
        const nights = NIGHTS;
        for (const night of nights) {
          const run = fleet.run(r, 'CronJob', 'hcap-patroni-backup-hcap', { fakeTime: `${night} 02:00:00` });
          if (run.status !== 0) throw new Error(`${night} (exit ${run.status}): ${run.out.slice(-3000)}`);
        }
        // backup.sh's rule: the last day of a month is monthly (when kept), a Sunday weekly, else daily.
        const typeOf = (d: string) => {
          const day = new Date(`${d}T12:00:00Z`);
          const last = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate() === day.getUTCDate();
          return last && retention.monthly > 0 ? 'monthly' : day.getUTCDay() === 0 ? 'weekly' : 'daily';
        };
        const kept = (['daily', 'weekly', 'monthly'] as const).flatMap((t) => {
          const ofType = nights.filter((n) => typeOf(n) === t);
          return ofType.slice(Math.max(0, ofType.length - retention[t])).map((n) => `${t}/${n}`);
        });
        // Two month ends and three Sundays: every folder is pruned, and the kept set spans all three.
        expect(kept.length).toBe(retention.daily + retention.weekly + retention.monthly);
        const found = filesUnder(vol).map((f) => {
          const m = DUMP.exec(f);
          if (!m || m[2] !== m[3]) throw new Error(`unexpected file ${f}`);
          return `${m[1]}/${m[2]}`;
        });
        expect(found.sort()).toEqual(kept.sort());
      });
    });
  });
}
