/**
 * The Crunchy PGO restore drill against the real pgBackRest: a throwaway PostgreSQL 15 archives
 * with `pgbackrest archive-push` into a repository, takes a full backup, writes more rows and
 * switches WAL. The drill script synthesized into the CronJob (its exact text; its env with the
 * repository pointed at a local posix path, since pgBackRest speaks S3 only over TLS and the
 * local S3 server does not) restores the newest backup set, replays the WAL through archive-get
 * and runs the stack's check. It must pass, and fail on a broken backup.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools, find, render } from '../helpers';
import { drillContainer, runDrill } from '../drill-helpers';
import { POSTGRES_TOOLS, PostgresServer, postgresDir, runAsPostgres, ok } from '../real-postgres';
import { LIVE, prodDatabase, withRepos } from '../engines/crunchy-stack';

describeWithTools([...POSTGRES_TOOLS, 'pgbackrest'], 'restore drill (crunchy): pgBackRest restore and archive-get', () => {
  let server: PostgresServer;
  let repo = '';
  let env: Record<string, string> = {};
  let cronJob: Record<string, any>;
  const s3Repo = {
    name: 'repo2',
    schedules: { full: '0 2 * * 0' },
    retention: { full: 14, type: 'time' },
    s3: {
      bucket: 'jobstore-backups',
      endpoint: 's3.ca-central-1.amazonaws.com',
      region: 'ca-central-1',
      credentials: { existingSecret: { name: 'jobstore-s3' } },
    },
  };
  const stack = (check: Record<string, unknown>) =>
    withRepos([prodDatabase().backups.repos[0], s3Repo], {
      postgresVersion: 15,
      drill: { schedule: '0 5 * * 6', check, image: 'registry.developers.crunchydata.com/crunchydata/crunchy-postgres:ubi9-15.13-2520' },
    });

  beforeAll(async () => {
    cronJob = find(render(stack({ database: 'api', query: 'select count(*) from position', atLeast: 80 })), 'CronJob', `${LIVE}-drill`);
    env = drillContainer(cronJob).env;
    repo = postgresDir('pgfleet-pgbackrest-');
    // The repository as rendered, but on a local path (the test's only change to the drill's env).
    const local = { ...env, PGBACKREST_REPO2_TYPE: 'posix', PGBACKREST_REPO2_PATH: path.join(repo, 'repo2') };
    // ... and no S3 keys: the conf.d Secret the pod mounts holds them; a posix repository needs none.
    for (const k of Object.keys(local)) if (/^PGBACKREST_(REPO2_S3_|CONFIG_INCLUDE_PATH)/.test(k)) delete local[k as keyof typeof local];
    env = local;
    server = await PostgresServer.start({ settings: { wal_level: 'replica', archive_mode: 'on' } });
    const pg = {
      PGBACKREST_REPO: '2',
      PGBACKREST_REPO2_TYPE: 'posix',
      PGBACKREST_REPO2_PATH: env.PGBACKREST_REPO2_PATH,
      PGBACKREST_STANZA: 'db',
    };
    const conf = path.join(repo, 'pgbackrest.conf');
    fs.writeFileSync(
      conf,
      `[db]\npg1-path=${server.data}\npg1-socket-path=${server.root}\npg1-port=${server.port}\n[global]\nrepo2-type=posix\nrepo2-path=${pg.PGBACKREST_REPO2_PATH}\nlog-path=${repo}\nlock-path=${repo}/lock\nlog-level-console=warn\nlog-level-file=off\nstart-fast=y\n`,
    );
    fs.chmodSync(conf, 0o644);
    const bk = (...args: string[]) =>
      ok(runAsPostgres(['pgbackrest', `--config=${conf}`, '--stanza=db', ...args]), `pgbackrest ${args.join(' ')}`);
    server.sql(`alter system set archive_command = 'pgbackrest --config=${conf} --stanza=db archive-push %p'`);
    server.sql('select pg_reload_conf()');
    bk('stanza-create');
    server.sql('create database api');
    server.sql('create table position (id int primary key, title text)', 'api');
    server.sql("insert into position select i, 'position ' || i from generate_series(1, 50) i", 'api');
    bk('--type=full', 'backup');
    // After the backup: only the WAL brings these back.
    server.sql("insert into position select i, 'position ' || i from generate_series(51, 80) i", 'api');
    server.sql('select pg_switch_wal()');
    bk('check');
  });

  afterAll(() => server?.stop());

  test('the CronJob reads the S3 repository of the generation at its own path, with the repositories’ conf.d keys', () => {
    const rendered = drillContainer(cronJob).env;
    expect(rendered).toMatchObject({
      PGBACKREST_STANZA: 'db',
      PGBACKREST_REPO: '2',
      PGBACKREST_REPO2_TYPE: 's3',
      PGBACKREST_REPO2_S3_BUCKET: 'jobstore-backups',
      PGBACKREST_REPO2_PATH: `/pgbackrest/f3c07a-prod/${LIVE}/repo2`,
      PGBACKREST_CONFIG_INCLUDE_PATH: '/etc/pgbackrest/conf.d',
      CHECK_DATABASE: 'api',
    });
  });

  test('restores the newest backup set, replays the WAL after it, passes the check', async () => {
    const r = await runDrill(drillContainer(cronJob).script, env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^pgfleet drill: restoring backup set \d{8}-\d{6}F of stanza db from repo2$/m);
    expect(r.patch?.data).toMatchObject({ backup: expect.stringMatching(/^\d{8}-\d{6}F$/), checkValue: '80' });
    expect(r.patch?.data.restoredTo).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(r.leftover).toEqual([]);
  });

  test('fails on a broken backup: a file of the backup set is damaged', async () => {
    // GIVEN the newest backup set with one of its data files truncated.
    const sets = path.join(env.PGBACKREST_REPO2_PATH, 'backup', 'db');
    const label = fs
      .readdirSync(sets)
      .filter((f) => /F$/.test(f))
      .sort()
      .pop()!;
    const files = fs
      .readdirSync(path.join(sets, label, 'pg_data', 'base'), { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile() && fs.statSync(path.join(f.parentPath, f.name)).size > 8192);
    const victim = path.join(files[0].parentPath, files[0].name);
    const saved = fs.readFileSync(victim);
    fs.writeFileSync(victim, saved.subarray(0, 100));
    try {
      // No retries of the damaged file (pgBackRest retries a failed job after 0 s and 15 s).
      const r = await runDrill(drillContainer(cronJob).script, { ...env, PGBACKREST_JOB_RETRY: '0' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`pgfleet drill: FAILED: pgbackrest restore of ${label} failed`);
      expect(r.patch).toBeUndefined();
      expect(r.leftover).toEqual([]);
    } finally {
      fs.writeFileSync(victim, saved);
    }
  });
});
