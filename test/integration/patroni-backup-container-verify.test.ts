/**
 * hcap's verification CronJob, run as rendered against the REAL backup-container scripts of 2.3.3
 * and 2.13.0: `backup.sh -s -v` starts the image's scratch server (sclorg run-postgresql, Debian's
 * PostgreSQL 15) and restores the newest dump into it. A verification passes only when backup.sh
 * says so; a damaged or unloadable newest dump fails the Job, though backup.sh exits 0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools } from '../helpers';
import { POSTGRES_TOOLS, runAsPostgres } from '../real-postgres';
import { describeWithUpstream } from '../upstream';
import { filesUnder, POD_TOOLS, VERSIONS } from './backup-container-pod';
import { dumpText, Fleet, writeDump } from './backup-container-fleet';

const UPSTREAM = ['backup-container-2.3.3', 'backup-container-2.13.0', 'sclorg-postgresql-container-804ef01'] as const;

describeWithUpstream(UPSTREAM, 'the verification CronJob with the real backup-container', () => {
  describeWithTools([...POSTGRES_TOOLS, ...POD_TOOLS], 'real PostgreSQL and the image scratch server', () => {
    describe.each(VERSIONS)('backup-container %s', (version) => {
      let fleet: Fleet;
      let newest = '';
      const r = () => fleet.render();
      beforeAll(async () => {
        fleet = await Fleet.start(version, ['hcap-patroni']);
        const s = fleet.server('hcap-patroni');
        s.sql('CREATE ROLE reporting NOLOGIN');
        s.sql(
          "SET ROLE hcap; CREATE TABLE visits (id int PRIMARY KEY, note text); INSERT INTO visits SELECT g, 'v' || g FROM generate_series(1, 50) g; GRANT SELECT ON visits TO reporting",
          'hcap',
        );
        const run = fleet.run(r(), 'CronJob', 'hcap-patroni-backup-hcap');
        if (run.status !== 0) throw new Error(run.out);
        newest = path.join(fleet.volume('hcap-patroni'), filesUnder(fleet.volume('hcap-patroni'))[0]);
      });
      afterAll(() => fleet?.stop());

      const verify = () => fleet.run(r(), 'CronJob', 'hcap-patroni-backup-verify');

      test('restores the newest dump, roles and grants included, and passes only on backup.sh\'s "Successfully verified backup"', () => {
        const run = verify();
        expect(run.out).toContain('Successfully verified backup: ');
        expect(run.out).toContain('The restored database contained 1 tables');
        expect(run.out).toContain('pgfleet: verified: postgres=hcap-patroni:5432/hcap');
        expect(run.out).not.toContain('[!!ERROR!!]');
        expect(run.status).toBe(0);
        // backup.sh stopped and cleaned its scratch server; pgfleet left nothing in /tmp.
        expect(fs.readdirSync(fleet.claims['hcap-patroni-backup-verify'])).toEqual([]);
        expect(filesUnder(run.host('/tmp'))).toEqual([]);
      });

      test('fails on a newest dump that is damaged (gzip), before backup.sh runs', () => {
        const good = fs.readFileSync(newest);
        try {
          const cut = Buffer.from(good);
          cut.fill(0x55, Math.floor(cut.length / 2), Math.floor(cut.length / 2) + 64);
          fs.writeFileSync(newest, cut);
          const run = verify();
          expect(run.out).toMatch(/the newest dump of hcap-patroni-hcap, \S+, is damaged \(gzip\)/);
          expect(run.status).toBe(1);
        } finally {
          fs.writeFileSync(newest, good);
        }
      });

      test('fails on a newest dump that is whole but does not load: backup.sh reports the failure and exits 0, the Job fails', () => {
        const good = fs.readFileSync(newest);
        try {
          // A row that does not fit its column, as a damaged copy or a bad pg_dump would leave.
          writeDump(newest, dumpText(newest).replace(/^1\tv1$/m, '1\tv1\textra'));
          const run = verify();
          expect(run.out).toContain('[!!ERROR!!] - Backup verification failed: ');
          expect(run.out).toContain('extra data after last expected column');
          expect(run.out).toMatch(/pgfleet: error: backup.sh did not verify \S+ \(exit 0;/);
          expect(run.status).toBe(1);
        } finally {
          fs.writeFileSync(newest, good);
        }
      });

      if (version === '2.3.3') {
        test('the upstream hazard: 2.3.3 has no -I; `backup.sh -I -s -v` prints its usage and exits 0, verifying nothing', () => {
          const conf = path.join(fleet.root, 'verify.conf');
          fs.writeFileSync(conf, fleet.render().objects.find((o) => o.manifest.kind === 'ConfigMap')!.manifest.data['verify.conf']);
          fs.chmodSync(conf, 0o644);
          const run = runAsPostgres(
            [path.join(fleet.image.dir, 'backup.sh'), '-I', '-s', '-v', 'postgres=hcap-patroni:5432/hcap'],
            {
              BACKUP_CONF: conf,
              BACKUP_DIR: `${fleet.volume('hcap-patroni')}/`,
              PATH: `${path.join(fleet.image.dir, 'stand-ins')}:/usr/lib/postgresql/15/bin:/usr/bin:/bin`,
            },
            { cwd: fleet.image.dir },
          );
          expect(run.stderr).toContain('illegal option -- I');
          expect(`${run.stdout}${run.stderr}`).not.toContain('Successfully verified backup');
          expect(run.status).toBe(0);
        });
      }
    });
  });
});
