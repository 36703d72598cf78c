/**
 * The restore drills of the dump engines against real PostgreSQL 15 and real dumps:
 * - patroni: dumps laid out as the backup-container writes them (`pg_dumpall --roles-only
 *   --no-role-passwords` then `pg_dump -Fp`, gzip, `<dir>/<daily|weekly>/<date>/<host>-<db>_<stamp>.sql.gz`);
 * - standalone: dumps written by pgfleet's own dump script (the text of the backup CronJob), with
 *   their sha512; and blackbox's, as blackbox 3.0.2 uploads them (`<id>_blackbox_<DD_MM_YYYY>.sql.gz`,
 *   the pg_dumpall gzip'd by its S3 handler, no checksum), beside another database's.
 * The drill script of each synthesized CronJob (its exact text and env, the volume paths pointed
 * at temp dirs) must restore the newest dump into a scratch server and pass the check, and fail on
 * a broken dump.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { describeWithTools, find, render } from '../helpers';
import { drillContainer, type LocalS3, runDrill, startLocalS3 } from '../drill-helpers';
import { PG_BIN, POSTGRES_TOOLS, PostgresServer, postgresDir, runAsPostgres, ok } from '../real-postgres';
import { hcap } from '../engines/patroni-stack';
import { dumpToPvc, pydis } from '../engines/standalone-stack';
import { DUMP_SCRIPT } from '../../lib/engines/standalone/dump-scripts';

describeWithTools([...POSTGRES_TOOLS, `${PG_BIN}/pg_dump`, 'gzip'], 'restore drills of the dump engines, with real dumps', () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await PostgresServer.start();
    server.sql('create role hcap login');
    server.sql('create database hcap owner hcap');
    server.sql('create table applicant (id int primary key, name text)', 'hcap');
    server.sql('alter table applicant owner to hcap', 'hcap');
    server.sql("insert into applicant select i, 'applicant ' || i from generate_series(1, 40) i", 'hcap');
  });
  afterAll(() => server?.stop());

  /** A dump of `hcap` as the backup-container writes it. */
  function backupContainerDump(): Buffer {
    const roles = ok(runAsPostgres([`${PG_BIN}/pg_dumpall`, '--roles-only', '--no-role-passwords'], server.libpq()), 'pg_dumpall');
    const data = ok(runAsPostgres([`${PG_BIN}/pg_dump`, '-Fp', 'hcap'], server.libpq('hcap')), 'pg_dump');
    return zlib.gzipSync(roles + data);
  }

  describe('patroni (backup-container dumps on the backup volume)', () => {
    const cronJob = () =>
      find(
        render(hcap({ drill: { schedule: '30 5 * * *', check: { query: 'select count(*) from applicant', atLeast: 40 } } })),
        'CronJob',
        'hcap-patroni-drill',
      );
    let backups = '';

    beforeEach(() => {
      backups = postgresDir('pgfleet-backups-');
      const put = (rel: string, body: Buffer) => {
        fs.mkdirSync(path.dirname(path.join(backups, rel)), { recursive: true });
        fs.writeFileSync(path.join(backups, rel), body);
      };
      const dump = backupContainerDump();
      // An older dump in weekly/ with fewer rows, the newest in daily/, and one still being written.
      put('weekly/2026-11-29/hcap-patroni-hcap_2026-11-29_02-00-00.sql.gz', zlib.gzipSync('select 1;\n'));
      put('daily/2026-12-06/hcap-patroni-hcap_2026-12-06_02-00-01.sql.gz', dump);
      put('daily/2026-12-07/hcap-patroni-hcap_2026-12-07_02-00-00.sql.gz.in_progress', dump.subarray(0, 50));
      runAsPostgres(['chmod', '-R', 'a+rX', backups]);
    });

    const run = (job: Record<string, any>) => {
      const { script, env } = drillContainer(job);
      expect(env).toMatchObject({ BACKUP_DIR: '/backups', DUMP_PREFIX: 'hcap-patroni-hcap', CHECK_DATABASE: 'hcap' });
      return runDrill(script, { ...env, BACKUP_DIR: backups });
    };

    test('loads the newest complete dump into a scratch server and passes the check', async () => {
      const r = await run(cronJob());
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(
        'pgfleet drill: restoring dump daily/2026-12-06/hcap-patroni-hcap_2026-12-06_02-00-01.sql.gz into database hcap of a scratch server',
      );
      expect(r.patch?.data).toMatchObject({ backup: 'daily/2026-12-06/hcap-patroni-hcap_2026-12-06_02-00-01.sql.gz', checkValue: '40' });
      expect(r.leftover).toEqual([]);
    });

    test('takes the dumps of its own database only: a newer one of database hcap_audit shares the prefix', async () => {
      const other = path.join(backups, 'daily/2026-12-07/hcap-patroni-hcap_audit_2026-12-07_02-00-00.sql.gz');
      fs.mkdirSync(path.dirname(other), { recursive: true });
      fs.writeFileSync(other, zlib.gzipSync('select 1;\n'));
      runAsPostgres(['chmod', '-R', 'a+rX', backups]);
      const r = await run(cronJob());
      expect(r.status).toBe(0);
      expect(r.patch?.data).toMatchObject({ backup: 'daily/2026-12-06/hcap-patroni-hcap_2026-12-06_02-00-01.sql.gz', checkValue: '40' });
    });

    test("fails on a dump whose pg_dump stopped half-way: a valid gzip without pg_dump's closing line", async () => {
      const file = path.join(backups, 'daily/2026-12-06/hcap-patroni-hcap_2026-12-06_02-00-01.sql.gz');
      const sql = zlib.gunzipSync(fs.readFileSync(file)).toString();
      fs.writeFileSync(file, zlib.gzipSync(sql.slice(0, sql.indexOf('-- PostgreSQL database dump complete'))));
      const r = await run(cronJob());
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        "pgfleet drill: FAILED: daily/2026-12-06/hcap-patroni-hcap_2026-12-06_02-00-01.sql.gz does not end with pg_dump's closing line",
      );
      expect(r.patch).toBeUndefined();
    });

    test('fails on a dump cut short, without loading anything', async () => {
      const file = path.join(backups, 'daily/2026-12-06/hcap-patroni-hcap_2026-12-06_02-00-01.sql.gz');
      fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 200));
      const r = await run(cronJob());
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        'pgfleet drill: FAILED: daily/2026-12-06/hcap-patroni-hcap_2026-12-06_02-00-01.sql.gz is not a complete gzip file',
      );
      expect(r.patch).toBeUndefined();
    });

    test('fails when the dump does not load: psql stops at the first error', async () => {
      const file = path.join(backups, 'daily/2026-12-06/hcap-patroni-hcap_2026-12-06_02-00-01.sql.gz');
      const sql = zlib.gunzipSync(fs.readFileSync(file)).toString();
      fs.writeFileSync(file, zlib.gzipSync(sql.replace('CREATE TABLE public.applicant', 'CREATE TABLE public.applicant_renamed')));
      const r = await run(cronJob());
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('relation "public.applicant" does not exist');
      expect(r.stderr).toContain(
        'pgfleet drill: FAILED: the dump daily/2026-12-06/hcap-patroni-hcap_2026-12-06_02-00-01.sql.gz did not load',
      );
    });
  });

  describe('standalone (pgfleet dumps with their sha512 on the generation claim)', () => {
    const rendered = () =>
      render(
        pydis('prod', {
          backup: dumpToPvc,
          drill: {
            schedule: '0 6 * * 1',
            check: { database: 'hcap', query: 'select name from applicant where id = 7', equals: 'applicant 7' },
          },
        }),
      );
    let dir = '';

    beforeEach(() => {
      // The dump the backup CronJob writes, by its own script, into the generation's folder.
      dir = postgresDir('pgfleet-dumps-');
      const dumpEnv = { ...server.libpq(), DUMP_DIR: dir, DUMP_PREFIX: 'postgres' };
      ok(runAsPostgres(['bash', '-c', DUMP_SCRIPT], dumpEnv), 'dump script');
    });

    const run = () => {
      const { script, env } = drillContainer(find(rendered(), 'CronJob', 'postgres-drill'));
      expect(env).toMatchObject({ DUMP_DIR: '/backups/postgres', DUMP_PATTERN: 'postgres-*.sql.gz' });
      return runDrill(script, { ...env, DUMP_DIR: dir });
    };

    test('verifies the sha512, loads the whole dump into a scratch server and passes the check', async () => {
      const r = await run();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^pgfleet drill: sha512 of postgres-\d{8}T\d{6}Z\.sql\.gz verified$/m);
      expect(r.patch?.data.checkValue).toBe('applicant 7');
      expect(r.leftover).toEqual([]);
    });

    test('fails on a dump whose bytes changed after its checksum was written', async () => {
      const file = fs.readdirSync(dir).find((f) => f.endsWith('.sql.gz'))!;
      fs.appendFileSync(path.join(dir, file), zlib.gzipSync('drop table applicant;\n'));
      const r = await run();
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(`pgfleet drill: FAILED: ${file.replace(/\./g, '\\.')}: its sha512 is [0-9a-f]{128} but the dump recorded`),
      );
      expect(r.patch).toBeUndefined();
    });
  });

  describeWithTools(['rclone'], 'standalone (blackbox dumps, downloaded with rclone from a local S3)', () => {
    let s3: LocalS3;
    beforeAll(async () => {
      s3 = await startLocalS3(['blackbox']);
    });
    afterAll(() => s3?.stop());

    /** Uploads a blackbox dump object to the local bucket, as blackbox's S3 handler does (gzip'd, `.sql.gz`). */
    const upload = (remote: Record<string, string>, name: string, sql: string | Buffer) => {
      const dir = postgresDir('pgfleet-blackbox-');
      fs.writeFileSync(path.join(dir, name), Buffer.isBuffer(sql) ? sql : zlib.gzipSync(sql));
      ok(runAsPostgres(['rclone', 'copyto', path.join(dir, name), `archive:blackbox/${name}`], { ...remote, HOME: dir }), `upload ${name}`);
    };
    const drillOf = () =>
      find(
        render(
          pydis('prod', {
            drill: { schedule: '0 18 * * 1', check: { database: 'hcap', query: 'select count(*) from applicant', atLeast: 40 } },
          }),
        ),
        'CronJob',
        'postgres-drill',
      );
    /** The rendered remote, pointed at the local server, with the keys the Secret would give. */
    const remoteOf = (fetchEnv: Record<string, string>) => ({
      ...fetchEnv,
      RCLONE_CONFIG_ARCHIVE_ENDPOINT: s3.endpoint,
      RCLONE_CONFIG_ARCHIVE_ACCESS_KEY_ID: 'S3RVER',
      RCLONE_CONFIG_ARCHIVE_SECRET_ACCESS_KEY: 'S3RVER',
    });
    const fetchInto = (fetchScript: string, remote: Record<string, string>) => {
      const scratchRoot = postgresDir('pgfleet-fetched-');
      const fetched = path.join(scratchRoot, 'fetch');
      const f = runAsPostgres(['sh', '-c', fetchScript], { ...remote, HOME: scratchRoot, DUMP_DIR: fetched });
      // rclone notes that the config file (deliberately absent: the remote is all env) is missing.
      expect(f.stderr.split('\n').filter((l) => l && !l.includes('NOTICE: Config file "/tmp/rclone.conf" not found'))).toEqual([]);
      return { ...f, fetched };
    };

    test('the fetch step downloads the database’s newest blackbox dump; the drill loads it and passes the check', async () => {
      const cronJob = drillOf();
      const fetch = drillContainer(cronJob, 'fetch');
      expect(fetch.env).toMatchObject({
        SRC: 'archive:blackbox',
        DUMP_PREFIX: 'postgres',
        RCLONE_CONFIG_ARCHIVE_ENDPOINT: 'https://eu-central-1.linodeobjects.com',
      });
      const remote = remoteOf(fetch.env);
      const all = ok(runAsPostgres([`${PG_BIN}/pg_dumpall`], server.libpq()), 'pg_dumpall');
      upload(remote, 'postgres_blackbox_29_11_2026.sql.gz', 'select 1;\n');
      await new Promise((r) => setTimeout(r, 1100));
      // Newest by upload time, though its name (day first) sorts before the older one.
      upload(remote, 'postgres_blackbox_06_12_2026.sql.gz', all);
      await new Promise((r) => setTimeout(r, 1100));
      // Another database's dump in the same bucket, newer still: not this database's.
      upload(remote, 'site_blackbox_07_12_2026.sql.gz', 'select 1;\n');

      const f = fetchInto(fetch.script, remote);
      expect(f.status).toBe(0);
      expect(f.stdout).toBe('pgfleet: fetched archive:blackbox/postgres_blackbox_06_12_2026.sql.gz\n');
      const { script, env } = drillContainer(cronJob);
      expect(env).toMatchObject({ DUMP_PATTERN: 'postgres_blackbox_*.sql.gz', DUMP_VERIFY: 'gzip' });
      const r = await runDrill(script, { ...env, DUMP_DIR: f.fetched });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('pgfleet drill: restoring dump postgres_blackbox_06_12_2026.sql.gz into a scratch server');
      expect(r.patch?.data).toMatchObject({ backup: 'postgres_blackbox_06_12_2026.sql.gz', checkValue: '40' });
    });

    test('fails on a blackbox dump cut off in transfer (its gzip CRC and length are all that vouch for it)', async () => {
      const cronJob = drillOf();
      const fetch = drillContainer(cronJob, 'fetch');
      const remote = remoteOf(fetch.env);
      await new Promise((r) => setTimeout(r, 1100));
      const whole = zlib.gzipSync(ok(runAsPostgres([`${PG_BIN}/pg_dumpall`], server.libpq()), 'pg_dumpall'));
      upload(remote, 'postgres_blackbox_08_12_2026.sql.gz', whole.subarray(0, whole.length - 100));
      const f = fetchInto(fetch.script, remote);
      expect(f.status).toBe(0);
      const { script, env } = drillContainer(cronJob);
      const r = await runDrill(script, { ...env, DUMP_DIR: f.fetched });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('pgfleet drill: FAILED: postgres_blackbox_08_12_2026.sql.gz is not a complete gzip file');
      expect(r.patch).toBeUndefined();
    });

    test('fails on a blackbox dump whose pg_dumpall died midway: a valid gzip without the closing comment', async () => {
      const cronJob = drillOf();
      const fetch = drillContainer(cronJob, 'fetch');
      const remote = remoteOf(fetch.env);
      await new Promise((r) => setTimeout(r, 1100));
      const all = ok(runAsPostgres([`${PG_BIN}/pg_dumpall`], server.libpq()), 'pg_dumpall');
      upload(remote, 'postgres_blackbox_09_12_2026.sql.gz', all.slice(0, all.indexOf('-- PostgreSQL database cluster dump complete')));
      const f = fetchInto(fetch.script, remote);
      expect(f.status).toBe(0);
      const { script, env } = drillContainer(cronJob);
      const r = await runDrill(script, { ...env, DUMP_DIR: f.fetched });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        "pgfleet drill: FAILED: postgres_blackbox_09_12_2026.sql.gz does not end with pg_dumpall's closing comment",
      );
      expect(r.patch).toBeUndefined();
    });
  });
});
