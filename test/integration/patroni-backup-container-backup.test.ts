/**
 * hcap's backup CronJob, one-off and safety dump Jobs, run as rendered against the REAL
 * backup-container scripts of 2.3.3 (hcap's pin) and 2.13.0 (see backup-container-pod.ts for what
 * stands in for the image): the dump file layout, the roles each dump carries, failure when the
 * server is down, rolling retention over 40 simulated nights, and the safety dumps the daily
 * strategy used to prune.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools } from '../helpers';
import { POSTGRES_TOOLS } from '../real-postgres';
import { describeWithUpstream } from '../upstream';
import { FAKETIME_LIB, filesUnder, POD_TOOLS, VERSIONS } from './backup-container-pod';
import { dumpText, Fleet, lineAt } from './backup-container-fleet';

const UPSTREAM = ['backup-container-2.3.3', 'backup-container-2.13.0', 'sclorg-postgresql-container-804ef01'] as const;
const DUMP = /^(daily|weekly|monthly)\/(\d{4}-\d\d-\d\d)\/hcap-patroni-hcap_(\d{4}-\d\d-\d\d)_\d\d-\d\d-\d\d\.sql\.gz$/;

describeWithUpstream(UPSTREAM, 'the backup Jobs with the real backup-container', () => {
  describeWithTools([...POSTGRES_TOOLS, ...POD_TOOLS, FAKETIME_LIB], 'real PostgreSQL', () => {
    describe.each(VERSIONS)('backup-container %s', (version) => {
      let fleet: Fleet;
      beforeAll(async () => {
        fleet = await Fleet.start(version, ['hcap-patroni']);
        const s = fleet.server('hcap-patroni');
        s.sql('CREATE ROLE reporting NOLOGIN');
        s.sql("SET ROLE hcap; CREATE TABLE visits (id int PRIMARY KEY, note text); INSERT INTO visits VALUES (1, 'a'); GRANT SELECT ON visits TO reporting", 'hcap');
      });
      afterAll(() => fleet?.stop());

      test('the CronJob writes one complete dump, roles included, where the docs say', () => {
        const r = fleet.render();
        const run = fleet.run(r, 'CronJob', 'hcap-patroni-backup-hcap');
        expect(run.out).toContain('pgfleet: wrote ');
        expect(run.status).toBe(0);
        const files = filesUnder(fleet.volume('hcap-patroni'));
        expect(files).toEqual([expect.stringMatching(DUMP)]);
        const text = dumpText(path.join(fleet.volume('hcap-patroni'), files[0]));
        expect(lineAt(text, '-- PostgreSQL database dump complete')).toBeGreaterThan(0);
        expect(lineAt(text, 'CREATE ROLE reporting;')).toBeGreaterThan(0);
        expect(text).toContain('GRANT SELECT ON TABLE public.visits TO reporting;');
        // 2.3.3 dumps no roles: pgfleet appends them, after the data as 2.13.0 does.
        expect(run.out.includes('appended the role definitions')).toBe(version === '2.3.3');
        expect(lineAt(text, 'CREATE ROLE reporting;')).toBeGreaterThan(lineAt(text, '-- PostgreSQL database dump complete'));
      });
    });
  });
});
