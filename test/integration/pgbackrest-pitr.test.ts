/**
 * The real tool: pgBackRest restores to exactly the instant pgfleet means, using the restore
 * options pgfleet synthesized into a PostgresCluster, passed the way PGO passes them.
 *
 * A throwaway PostgreSQL 15 archives into a pgBackRest repository in a temp dir; after a full
 * backup, rows are written in three batches with a recorded instant between each. Each instant is
 * written into a stack as `restoreFrom.targetTime` (once in UTC, once at -08:00 with the servers
 * on yet another zone), the stack is rendered, and the `dataSource.postgresCluster.options` of the
 * new PostgresCluster are run through PGO's command line:
 * `bash -xc "pgbackrest restore ${opts}"`, where opts is the options joined by spaces followed by
 * the options PGO adds (internal/controller/postgrescluster/pgbackrest.go reconcileRestoreJob,
 * internal/pgbackrest/config.go RestoreCommand). The restored server must hold the rows before the
 * instant and none after it.
 *
 * A named restore point written before the newest backup is reached only from the backup set the
 * stack names (`--set`): without it pgBackRest restores the newest set, and PostgreSQL stops with
 * "recovery ended before configured recovery target was reached".
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeWithTools, find, render, tempDir, freePort } from '../helpers';
import { CLONE, LIVE, jobstore, withRestore } from '../engines/crunchy-stack';

const BIN = '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;
/** The zone the servers run in: neither UTC nor -08:00, so only the target's own offset can be right. */
const SERVER_ZONE = 'Asia/Kolkata';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `2026-11-20 08:00:00` in the given offset (minutes east of UTC), plus the offset as ±HH:MM. */
function wallClock(epochMs: number, offsetMinutes: number): string {
  const wall = new Date(epochMs + offsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
  const abs = Math.abs(offsetMinutes);
  return `${wall}${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

describeWithTools(['pgbackrest', `${BIN}/initdb`, 'bash'], 'pgBackRest point-in-time restore with the options pgfleet synthesizes', () => {
  let dir = '';
  let conf = '';
  const running: string[] = [];
  let port = 0;

  /** Runs a command as postgres (PostgreSQL refuses root), with pgBackRest's config in the environment. */
  function run(cmd: string, args: string[], opts: { allowFail?: boolean } = {}): string {
    const env = { PGBACKREST_CONFIG: conf, PATH: `${BIN}:${process.env.PATH}`, PGTZ: SERVER_ZONE, LC_ALL: 'C.UTF-8' };
    const argv = asRoot
      ? ['runuser', '-u', 'postgres', '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), cmd, ...args]
      : [cmd, ...args];
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { ...process.env, ...env }, cwd: dir, timeout: 60_000 });
    if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  const psql = (p: number, sql: string) =>
    run(`${BIN}/psql`, [
      '-h',
      path.join(dir, 'sock'),
      '-p',
      String(p),
      '-U',
      'postgres',
      '-d',
      'postgres',
      '-v',
      'ON_ERROR_STOP=1',
      '-Atc',
      sql,
    ]).trim();

  function start(data: string, p: number, extra: string[]): void {
    const options = [
      `-c port=${p}`,
      `-c unix_socket_directories='${path.join(dir, 'sock')}'`,
      "-c listen_addresses=''",
      `-c timezone='${SERVER_ZONE}'`,
      ...extra,
    ].join(' ');
    run(`${BIN}/pg_ctl`, ['start', '-w', '-t', '60', '-D', data, '-l', path.join(dir, `${path.basename(data)}.log`), '-o', options]);
    running.push(data);
  }

  function mkdirForPostgres(p: string, mode = 0o700): void {
    fs.mkdirSync(p, { recursive: true, mode });
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', p]);
  }

  beforeAll(async () => {
    dir = tempDir('pgfleet-pitr-');
    fs.chmodSync(dir, 0o755);
    for (const d of ['repo', 'log', 'lock', 'sock', 'spool']) mkdirForPostgres(path.join(dir, d));
    port = await freePort();
    conf = path.join(dir, 'pgbackrest.conf');
    fs.writeFileSync(
      conf,
      [
        '[global]',
        `repo1-path=${dir}/repo`,
        `log-path=${dir}/log`,
        `lock-path=${dir}/lock`,
        `spool-path=${dir}/spool`,
        'log-level-console=warn',
        'start-fast=y',
        'compress-type=none',
        '',
        '[db]',
        `pg1-path=${dir}/pg`,
        `pg1-port=${port}`,
        `pg1-socket-path=${dir}/sock`,
        '',
      ].join('\n'),
    );
    fs.chmodSync(conf, 0o644);
    if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
    run(`${BIN}/initdb`, ['-D', path.join(dir, 'pg'), '-U', 'postgres', '--auth=trust', '--no-sync']);
    start(path.join(dir, 'pg'), port, [
      '-c wal_level=replica',
      '-c archive_mode=on',
      `-c archive_command='pgbackrest --stanza=db archive-push %p'`,
    ]);
    run('pgbackrest', ['--stanza=db', 'stanza-create']);
  });

  afterAll(() => {
    for (const data of running.reverse()) run(`${BIN}/pg_ctl`, ['stop', '-m', 'immediate', '-w', '-D', data], { allowFail: true });
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('restores to the instant, in UTC and at -08:00, with the rows before it and none after', async () => {
    psql(port, "create table job (id int primary key, batch text); insert into job values (1, 'a'), (2, 'a')");
    run('pgbackrest', ['--stanza=db', '--type=full', 'backup']);

    // An instant after a batch, on a whole second, at least 100 ms after its commit and 1 s before the next batch.
    const instantAfter = async (sql: string) => {
      psql(port, sql);
      await sleep(1100);
      const instant = Math.floor(Date.now() / 1000) * 1000;
      await sleep(instant + 1100 - Date.now());
      return instant;
    };
    const t1 = await instantAfter("insert into job values (3, 'a')");
    const t2 = await instantAfter("insert into job values (4, 'b'), (5, 'b')");
    psql(port, "insert into job values (6, 'c')");
    // Archives the current WAL segment and waits for it, so the commits after each instant are in the repository.
    run('pgbackrest', ['--stanza=db', 'check']);

    const cases = [
      { target: new Date(t1).toISOString().replace('.000Z', 'Z'), expected: '1|a\n2|a\n3|a' },
      { target: wallClock(t2, -8 * 60), expected: '1|a\n2|a\n3|a\n4|b\n5|b' },
    ];
    for (const [n, c] of cases.entries()) {
      // The options exactly as synthesized for the new PostgresCluster.
      const options: string[] = find(render(withRestore(c.target)), 'PostgresCluster', CLONE).spec.dataSource.postgresCluster.options;
      expect(options[0]).toBe('--type=time');
      expect(options[1]).toMatch(/^--target="\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}"$/);

      const data = path.join(dir, `restore${n}`);
      mkdirForPostgres(data);
      // PGO: user options, then --stanza, --pg1-path, --repo, --delta and, with a target, --target-action=promote;
      // joined by spaces and run as `bash -xc "pgbackrest restore ${opts}"`.
      const opts = [...options, '--stanza=db', `--pg1-path=${data}`, '--repo=1', '--delta', '--target-action=promote'].join(' ');
      const script = 'declare -r opts="$1"\nbash -xc "pgbackrest restore ${opts}"';
      run('bash', ['-ceu', '--', script, '-', opts]);

      const p = await freePort();
      // Like PGO's restore Job: nothing archived from the restored server.
      start(data, p, ['-c archive_mode=off']);
      const deadline = Date.now() + 30_000;
      while (psql(p, 'select pg_is_in_recovery()') !== 'f') {
        if (Date.now() > deadline) throw new Error('recovery did not finish');
        await sleep(200);
      }
      expect(psql(p, "select id || '|' || batch from job order by id")).toBe(c.expected);
    }
  });

  /** Restores with the options of a PostgresCluster, as PGO's restore Job runs them, into a new data directory. */
  function restore(options: readonly string[], name: string): string {
    const data = path.join(dir, name);
    mkdirForPostgres(data);
    const opts = [...options, '--stanza=db', `--pg1-path=${data}`, '--repo=1', '--delta', '--target-action=promote'].join(' ');
    run('bash', ['-ceu', '--', 'declare -r opts="$1"\nbash -xc "pgbackrest restore ${opts}"', '-', opts]);
    return data;
  }

  test('a named restore point older than the newest backup: reached from the backup set the stack names, never without it', async () => {
    const label = () => {
      const info = JSON.parse(run('pgbackrest', ['--stanza=db', '--output=json', 'info'])) as { backup: { label: string }[] }[];
      return info[0].backup[info[0].backup.length - 1].label;
    };
    psql(port, 'create table mark (id int primary key, batch text)');
    run('pgbackrest', ['--stanza=db', '--type=full', 'backup']);
    const before = label();
    psql(port, "insert into mark values (1, 'n')");
    psql(port, "select pg_create_restore_point('before-batch-m')");
    psql(port, "insert into mark values (2, 'm')");
    // A newer backup, after the restore point: the one pgBackRest takes when told no set.
    run('pgbackrest', ['--stanza=db', '--type=full', 'backup']);
    run('pgbackrest', ['--stanza=db', 'check']);

    const stack = jobstore('prod', {
      generations: [{ name: LIVE }, { name: CLONE, restoreFrom: { generation: LIVE, targetName: 'before-batch-m', backupSet: before } }],
      serving: LIVE,
    });
    const options: string[] = find(render(stack), 'PostgresCluster', CLONE).spec.dataSource.postgresCluster.options;
    expect(options).toEqual(['--type=name', '--target="before-batch-m"', `--set=${before}`]);

    const data = restore(options, 'named');
    const p = await freePort();
    start(data, p, ['-c archive_mode=off']);
    const deadline = Date.now() + 30_000;
    while (psql(p, 'select pg_is_in_recovery()') !== 'f') {
      if (Date.now() > deadline) throw new Error('recovery did not finish');
      await sleep(200);
    }
    expect(psql(p, "select string_agg(id || '|' || batch, ',' order by id) from mark")).toBe('1|n');

    // Without the set, pgBackRest starts from the newest backup, after the restore point: PostgreSQL never reaches it.
    const latest = restore(options.slice(0, 2), 'named-latest');
    const log = path.join(dir, 'named-latest.log');
    const q = await freePort();
    try {
      start(latest, q, ['-c archive_mode=off']);
    } catch {
      // pg_ctl may see the server stop before it is ready, or only later: the log says why.
    }
    const logged = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '');
    const until = Date.now() + 30_000;
    while (!logged().includes('FATAL') && Date.now() < until) await sleep(200);
    expect(logged()).toContain('FATAL:  recovery ended before configured recovery target was reached');
  });
});
