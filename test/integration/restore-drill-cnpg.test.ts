/**
 * The CloudNativePG restore drill against the real tools: a throwaway PostgreSQL 15 archives its
 * WAL with barman-cloud-wal-archive and takes a base backup with barman-cloud-backup into a local
 * S3-compatible server (s3rver on loopback), as the Barman Cloud plugin does. Then the drill
 * script synthesized into the CronJob (its exact text and env) restores the newest backup with
 * barman-cloud-restore, replays the WAL with barman-cloud-wal-restore and runs the stack's check.
 * It must pass on the good archive, fail when the check does not hold, and fail on a broken one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools, find, render, tempDir } from '../helpers';
import { drillContainer, type LocalS3, runDrill, startLocalS3 } from '../drill-helpers';
import { PG_BIN, POSTGRES_TOOLS, PostgresServer, runAsPostgres } from '../real-postgres';
import { forgejo } from '../engines/cnpg-stack';

const KEYS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_DEFAULT_REGION: 'us-east-1' };
const BARMAN = [
  'barman-cloud-backup',
  'barman-cloud-wal-archive',
  'barman-cloud-restore',
  'barman-cloud-wal-restore',
  'barman-cloud-backup-list',
];

describeWithTools([...POSTGRES_TOOLS, ...BARMAN], 'restore drill (cnpg): barman-cloud against a local S3', () => {
  let s3: LocalS3;
  let endpoint = '';
  let server: PostgresServer;
  let cronJob: Record<string, any>;
  const destination = 's3://drills/indigo/forgejo/postgres/';

  const drill = (check: Record<string, unknown>) =>
    find(
      render(
        forgejo({ postgresVersion: 15, drill: { schedule: '0 3 * * 0', check } }, { destinationPath: destination, endpointURL: endpoint }),
      ),
      'CronJob',
      'forgejo-db-drill',
    );

  beforeAll(async () => {
    s3 = await startLocalS3(['drills']);
    endpoint = s3.endpoint;
    cronJob = drill({ database: 'app', query: 'select count(*) from repository', atLeast: 150 });
    const { env } = drillContainer(cronJob);
    const serverName = env.BARMAN_SERVER_NAME;
    expect(serverName).toBe('forgejo-db-pg15');

    server = await PostgresServer.start({ settings: { wal_level: 'replica', archive_mode: 'on' } });
    // archive_command is reloadable; the keys go inline (the server's environment holds none).
    expect(env.BARMAN_DESTINATION).toBe(destination);
    const keys = Object.entries(KEYS)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    server.sql(
      `alter system set archive_command = '${keys} barman-cloud-wal-archive --gzip --endpoint-url ${endpoint} ${destination} ${serverName} %p'`,
    );
    server.sql('select pg_reload_conf()');
    server.sql('create database app');
    server.sql('create table repository (id int primary key, name text)', 'app');
    server.sql("insert into repository select i, 'repo ' || i from generate_series(1, 100) i", 'app');
    const backup = runAsPostgres(
      [
        'barman-cloud-backup',
        // gzip, as the stack's backup.compression (default) has the plugin compress data and WAL.
        '--gzip',
        '--immediate-checkpoint',
        '--endpoint-url',
        endpoint,
        '-h',
        server.root,
        '-p',
        String(server.port),
        '-U',
        'postgres',
        destination,
        serverName,
      ],
      { ...KEYS, PATH: `${PG_BIN}:/usr/bin:/bin` },
    );
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    // Written after the base backup: only WAL replay brings these back.
    server.sql("insert into repository select i, 'repo ' || i from generate_series(101, 150) i", 'app');
    const wal = server.sql('select pg_walfile_name(pg_current_wal_lsn())');
    server.sql('select pg_switch_wal()');
    for (let i = 0; i < 60 && server.sql("select coalesce(last_archived_wal, '') from pg_stat_archiver") < wal; i++)
      await new Promise((r) => setTimeout(r, 500));
    expect(server.sql('select last_archived_wal >= $$' + wal + '$$ from pg_stat_archiver')).toBe('t');
  });

  afterAll(async () => {
    server?.stop();
    s3?.stop();
  });

  const run = (job: Record<string, any>) => {
    const { script, env } = drillContainer(job);
    return runDrill(script, { ...env, ...KEYS });
  };

  test('restores the newest base backup, replays the WAL after it, passes the check and records the outcome', async () => {
    const r = await run(cronJob);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^pgfleet drill: restoring base backup \d{8}T\d{6} of forgejo-db-pg15 from s3:\/\/drills\/indigo\/forgejo\/postgres\/$/m,
    );
    expect(r.stdout).toMatch(
      /pgfleet drill: PASSED at .*: restored \d{8}T\d{6} up to \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; "select count\(\*\) from repository" returned "150"/,
    );
    expect(r.patch?.data).toEqual({
      lastSuccess: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      backup: expect.stringMatching(/^\d{8}T\d{6}$/),
      restoredTo: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      checkValue: '150',
    });
    // The copy is gone; the live server was never touched.
    expect(r.leftover).toEqual([]);
    expect(server.sql('select count(*) from repository', 'app')).toBe('150');
  });

  test('fails when the restored data does not pass the check, and records nothing', async () => {
    const r = await run(drill({ database: 'app', query: 'select count(*) from repository', atLeast: 1000 }));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'pgfleet drill: FAILED: check: "select count(*) from repository" returned "150" on the restored copy, expected a number of at least 1000',
    );
    expect(r.patch).toBeUndefined();
    expect(r.leftover).toEqual([]);
  });

  test('fails on a broken backup: the WAL the base backup needs is gone from the archive', async () => {
    // GIVEN the archive with its WAL folder deleted (s3rver keeps objects as files).
    const walDir = path.join(s3.dir, 'drills', 'indigo', 'forgejo', 'postgres', 'forgejo-db-pg15', 'wals');
    expect(fs.existsSync(walDir)).toBe(true);
    const kept = tempDir('pgfleet-wals-');
    fs.cpSync(walDir, kept, { recursive: true });
    fs.rmSync(walDir, { recursive: true });
    try {
      const r = await run(cronJob);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        'pgfleet drill: FAILED: the restored data directory did not start: the base backup or the WAL it needs is missing or damaged',
      );
      expect(r.patch).toBeUndefined();
      expect(r.leftover).toEqual([]);
    } finally {
      fs.cpSync(kept, walDir, { recursive: true });
    }
  });
});
