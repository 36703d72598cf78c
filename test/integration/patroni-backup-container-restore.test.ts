/**
 * hcap's restore (restoreFrom) and upgrade (upgradeFrom) Jobs, run as rendered against dumps the
 * REAL backup-container 2.3.3 and 2.13.0 wrote, and real PostgreSQL 15 servers holding what
 * Patroni and post_init create in every generation: roles the new cluster lacks and grants to them
 * arrive, a load that fails leaves nothing behind, a re-created Job loads nothing, and the
 * upstream `backup.sh -s -r` hazard pgfleet avoids. Also: every env var a Job carries is read by
 * its script or by the release's backup.sh.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JOB_SCRIPTS } from '../../lib/engines/patroni/job-scripts';
import { describeWithTools } from '../helpers';
import { AS_ROOT, PG_BIN, POSTGRES_TOOLS, runAsPostgres } from '../real-postgres';
import { describeWithUpstream, upstreamDir } from '../upstream';
import { filesUnder, podSpecOf, POD_TOOLS, VERSIONS } from './backup-container-pod';
import { dumpText, Fleet, SECRET, writeDump } from './backup-container-fleet';

const UPSTREAM = ['backup-container-2.3.3', 'backup-container-2.13.0', 'sclorg-postgresql-container-804ef01'] as const;
const generations = (extra: Record<string, unknown>[]) => ({ serving: 'hcap-patroni', generations: [{ name: 'hcap-patroni' }, ...extra] });

describeWithUpstream(UPSTREAM, 'the restore and upgrade Jobs with dumps of the real backup-container', () => {
  describeWithTools([...POSTGRES_TOOLS, ...POD_TOOLS], 'real PostgreSQL', () => {
    describe.each(VERSIONS)('backup-container %s', (version) => {
      let fleet: Fleet;
      const restored = () => fleet.render(generations([{ name: 'hcap-patroni-r1', restoreFrom: { generation: 'hcap-patroni' } }]));
      const target = () => fleet.server('hcap-patroni-r1');
      const newestDump = () => {
        const vol = fleet.volume('hcap-patroni');
        return path.join(
          vol,
          filesUnder(vol)
            .filter((f) => f.endsWith('.sql.gz'))
            .pop()!,
        );
      };
      beforeAll(async () => {
        fleet = await Fleet.start(version, ['hcap-patroni', 'hcap-patroni-r1', 'hcap-pg15']);
        const s = fleet.server('hcap-patroni');
        // Roles only the source has: a grantee, and the owner of a table.
        s.sql('CREATE ROLE reporting NOLOGIN');
        s.sql('CREATE ROLE auditor NOLOGIN IN ROLE reporting');
        s.sql('GRANT CREATE ON SCHEMA public TO auditor', 'hcap');
        s.sql(
          'SET ROLE hcap; CREATE TABLE visits (id int PRIMARY KEY); INSERT INTO visits VALUES (1), (2); GRANT SELECT ON visits TO reporting',
          'hcap',
        );
        s.sql("SET ROLE auditor; CREATE TABLE audit (what text); INSERT INTO audit VALUES ('x')", 'hcap');
        const run = fleet.run(fleet.render(), 'CronJob', 'hcap-patroni-backup-hcap');
        if (run.status !== 0) throw new Error(run.out);
      });
      afterAll(() => fleet?.stop());

      test('restoreFrom: the roles the new cluster lacks come first, then the data with their grants; owner, mark, passwords kept', () => {
        const run = fleet.run(restored(), 'Job', 'hcap-patroni-r1-restore-hcap');
        expect(run.out).toContain('pgfleet: restored ');
        expect(run.status).toBe(0);
        const t = target();
        expect(t.sql('SELECT count(*) FROM visits', 'hcap')).toBe('2');
        expect(t.sql("SELECT has_table_privilege('reporting', 'visits', 'SELECT')", 'hcap')).toBe('t');
        expect(t.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'audit'", 'hcap')).toBe('auditor');
        expect(t.sql("SELECT pg_has_role('auditor', 'reporting', 'MEMBER')")).toBe('t');
        expect(t.sql("SELECT pg_get_userbyid(datdba), shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'hcap'")).toBe(
          'hcap|pgfleet:hcap-prod/hcap-patroni-r1-restore-hcap',
        );
        // The target's own roles keep their passwords (the dump has none) and attributes.
        expect(t.sql('SELECT rolname FROM pg_authid WHERE rolpassword IS NOT NULL ORDER BY 1')).toBe('hcap\npostgres\nreplication');
        expect(t.sql("SELECT rolreplication FROM pg_roles WHERE rolname = 'replication'")).toBe('t');
        expect(t.sql("SELECT count(*) FROM pg_database WHERE datname LIKE 'hcap_pgfleet_%'")).toBe('0');
        const again = fleet.run(restored(), 'Job', 'hcap-patroni-r1-restore-hcap');
        expect(again.out).toContain("already holds this Job's restore");
        expect(again.status).toBe(0);
      });

      test('a load that fails changes nothing: no role, no staging database, the database as it was; the error names the fix', () => {
        const t = target();
        t.sql('COMMENT ON DATABASE hcap IS NULL');
        t.sql('INSERT INTO visits VALUES (100)', 'hcap');
        const file = newestDump();
        const good = fs.readFileSync(file);
        try {
          const text = dumpText(file)
            .replace('CREATE ROLE reporting;', 'CREATE ROLE reporting;\nCREATE ROLE newcomer;')
            .replace(
              '-- PostgreSQL database dump complete',
              'GRANT SELECT ON public.visits TO ghost;\n\n-- PostgreSQL database dump complete',
            );
          writeDump(file, text);
          const run = fleet.run(restored(), 'Job', 'hcap-patroni-r1-restore-hcap');
          expect(run.out).toContain('role "ghost" does not exist on hcap-patroni-r1 and the dump does not define it. Nothing was changed');
          expect(run.out).toContain(`psql -c 'CREATE ROLE "ghost" NOLOGIN'`);
          expect(run.status).toBe(1);
          expect(t.sql("SELECT string_agg(id::text, ',' ORDER BY id) FROM visits", 'hcap')).toBe('1,2,100');
          expect(t.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'newcomer'")).toBe('0');
          expect(t.sql("SELECT count(*) FROM pg_database WHERE datname LIKE 'hcap_pgfleet_%'")).toBe('0');
        } finally {
          fs.writeFileSync(file, good);
        }
        // The dump as it was: the Job replaces the database (with the marker) once it can load it whole.
        const run = fleet.run(restored(), 'Job', 'hcap-patroni-r1-restore-hcap');
        expect(run.status).toBe(0);
        expect(t.sql("SELECT string_agg(id::text, ',' ORDER BY id) FROM visits", 'hcap')).toBe('1,2');
      });

      test('refuses to swap while sessions use the database, after loading: the staging database is dropped, the data kept', async () => {
        const t = target();
        t.sql('COMMENT ON DATABASE hcap IS NULL');
        t.sql('INSERT INTO visits VALUES (200)', 'hcap');
        const session = spawn(
          AS_ROOT ? 'runuser' : `${PG_BIN}/psql`,
          [
            ...(AS_ROOT ? ['-u', 'postgres', '--', `${PG_BIN}/psql`] : []),
            '-h',
            t.root,
            '-p',
            String(t.port),
            '-d',
            'hcap',
            '-c',
            'SELECT pg_sleep(60)',
          ],
          { stdio: 'ignore' },
        );
        try {
          for (let i = 0; i < 50 && t.sql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'hcap'") === '0'; i++)
            await new Promise((res) => setTimeout(res, 100));
          const run = fleet.run(restored(), 'Job', 'hcap-patroni-r1-restore-hcap', { env: { CONNECTIONS_WAIT_SECONDS: '0' } });
          expect(run.out).toContain('1 session(s) still use hcap after 0s; stop its clients, then run the Job again');
          expect(run.status).toBe(1);
          expect(t.sql("SELECT string_agg(id::text, ',' ORDER BY id) FROM visits", 'hcap')).toBe('1,2,200');
          expect(t.sql("SELECT count(*) FROM pg_database WHERE datname LIKE 'hcap_pgfleet_%'")).toBe('0');
        } finally {
          session.kill();
          t.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'hcap' AND pid <> pg_backend_pid()");
        }
      });

      if (version === '2.13.0') {
        test('upgradeFrom: a fresh dump of the source into a folder outside the pruned trees, loaded into the new generation', () => {
          const r = fleet.render({
            images: { '12': 'registry.example/patroni-postgres:12.4', '15': 'registry.example/patroni-postgres:15.8-1' },
            ...generations([{ name: 'hcap-pg15', postgresVersion: 15, upgradeFrom: { generation: 'hcap-patroni' } }]),
          });
          fleet.server('hcap-patroni').sql('INSERT INTO visits VALUES (3)', 'hcap');
          const run = fleet.run(r, 'Job', 'hcap-pg15-upgrade-hcap');
          expect(run.out).toMatch(/pgfleet: wrote \S+\/upgrade-hcap-pg15\/\d{4}-\d\d-\d\d\/hcap-patroni-hcap_\S+\.sql\.gz/);
          expect(run.status).toBe(0);
          expect(fleet.server('hcap-pg15').sql("SELECT string_agg(id::text, ',' ORDER BY id) FROM visits", 'hcap')).toBe('1,2,3');
          expect(fleet.server('hcap-pg15').sql("SELECT has_table_privilege('reporting', 'visits', 'SELECT')", 'hcap')).toBe('t');
        });
      } else {
        test('upgradeFrom to PostgreSQL 15 is refused at synth: 2.3.3 ships pg_dump 12 (its nightly dumps of the new generation would fail)', () => {
          expect(() =>
            fleet.render({
              images: { '12': 'registry.example/patroni-postgres:12.4', '15': 'registry.example/patroni-postgres:15.8-1' },
              ...generations([{ name: 'hcap-pg15', postgresVersion: 15, upgradeFrom: { generation: 'hcap-patroni' } }]),
            }),
          ).toThrow(/pg_dump refuses to dump a newer server/);
        });
      }

      test('the upstream hazard pgfleet never calls: `backup.sh -s -r <spec>` without -f drops the database, finds no file, says "Restore complete"', () => {
        const t = target();
        t.sql('CREATE DATABASE probe');
        t.sql('CREATE TABLE kept (v int); INSERT INTO kept VALUES (1)', 'probe');
        const hosts = path.join(fleet.root, 'hosts');
        fs.writeFileSync(hosts, `${fleet.hosts['hcap-patroni-r1']} hcap-patroni-r1\n`);
        fs.chmodSync(hosts, 0o644);
        const run = runAsPostgres(
          [path.join(fleet.image.dir, 'backup.sh'), '-s', '-r', 'postgres=hcap-patroni-r1:5432/probe', '-a', SECRET['superuser-password']],
          {
            BACKUP_DIR: `${fleet.volume('hcap-patroni')}/`,
            DATABASE_USER: 'postgres',
            PGUSER: 'postgres',
            PATH: '/usr/lib/postgresql/15/bin:/usr/bin:/bin',
            LD_PRELOAD: 'libnss_wrapper.so',
            NSS_WRAPPER_HOSTS: hosts,
          },
          { cwd: fleet.image.dir },
        );
        expect(`${run.stdout}${run.stderr}`).toContain('Restore complete');
        expect(run.status).toBe(0);
        expect(t.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", 'probe')).toBe('0');
        // pgfleet's scripts call backup.sh only as `-1` and `-s -v <spec> -f <file>`.
        const calls = Object.values(JOB_SCRIPTS).flatMap((s) => s.split('\n').filter((l) => l.includes('${BACKUP_SH:-/backup.sh}"')));
        expect([...new Set(calls.map((l) => l.replace(/^.*backup\.sh\}" (\S+(?: \S+)*?)(?: >&2| 2>&1).*$/, '$1')))].sort()).toEqual([
          '-1',
          '-s -v "$spec" -f "$file"',
        ]);
      });

      test('every env var of a backup-container Job is read by its script, or by backup.sh of this release', () => {
        const upstream = fs
          .readdirSync(path.join(upstreamDir(`backup-container-${version}`)!, 'docker'))
          .filter((f) => f.startsWith('backup.'))
          .map((f) => fs.readFileSync(path.join(upstreamDir(`backup-container-${version}`)!, 'docker', f), 'utf8'))
          .join('\n');
        const stacks = [
          fleet.render(),
          restored(),
          fleet.render({
            acknowledge: ['destroys-data:hcap-patroni'],
            inPlaceRestore: { generation: 'hcap-patroni', id: 'x1', targetTime: '2026-10-01T00:00:00Z', scaleDown: [] },
          }),
        ];
        const checked: string[] = [];
        for (const o of stacks.flatMap((r) => r.objects)) {
          const pod = ['Job', 'CronJob'].includes(o.manifest.kind) ? podSpecOf(o.manifest) : undefined;
          const c = pod?.containers[0];
          if (!c || c.command?.[0] !== '/bin/bash') continue;
          const script: string = c.command[2];
          const runsBackupSh = script.includes('${BACKUP_SH:-/backup.sh}"');
          for (const e of c.env as { name: string }[]) {
            const read = new RegExp(`\\$\\{?${e.name}\\b`);
            const byScript = read.test(script);
            const byBackupSh = runsBackupSh && (read.test(upstream) || (e.name === 'TZ' && /date \+/.test(upstream)));
            if (!byScript && !byBackupSh) throw new Error(`${o.manifest.kind} ${o.manifest.metadata.name}: ${e.name} is read by nothing`);
          }
          checked.push(o.manifest.metadata.name);
        }
        expect(checked.sort()).toEqual([
          'hcap-patroni-backup-hcap',
          'hcap-patroni-backup-hcap',
          'hcap-patroni-backup-hcap',
          'hcap-patroni-backup-verify',
          'hcap-patroni-backup-verify',
          'hcap-patroni-backup-verify',
          'hcap-patroni-pre-restore-hcap-x1',
          'hcap-patroni-r1-backup-hcap',
          'hcap-patroni-r1-backup-verify',
          'hcap-patroni-r1-restore-hcap',
          'hcap-patroni-restore-hcap-x1',
        ]);
      });
    });
  });
});
