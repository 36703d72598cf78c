/**
 * Executes the shell pgfleet's backup-container Jobs run (lib/engines/patroni/job-scripts.ts),
 * exactly as rendered into the manifests, with the environment the manifests give it.
 *
 * The image's own `/backup.sh` is replaced by stubs (BACKUP_SH) that behave like it where our
 * scripts depend on it: `-1` writes `<BACKUP_DIR>daily/<date>/<host>-<db>_<stamp>.sql.gz` (or, to
 * reproduce its habit of exiting 0 after a failed dump, nothing); `-s -r` drops, creates, grants
 * and replays a plain gzip'd dump through psql; `-s -v` is recorded. Dump selection, the backup
 * and verification checks run against a fake `/backups` tree; the restore and upgrade scripts
 * run against two real throwaway PostgreSQL 15 servers (source and target generation).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKUP_SCRIPT, RESTORE_SCRIPT, UPGRADE_SCRIPT, VERIFY_SCRIPT } from '../../lib/engines/patroni/job-scripts';
import { hasTool, tempDir, freePort } from '../helpers';

const BIN = '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;

/** Stands in for the image's /backup.sh (see the file comment). */
const BACKUP_STUB = String.raw`#!/bin/bash
echo "$*" >> "$STUB_LOG"
case "$1" in
  -1)
    [[ "${'$'}{STUB_DUMP:-write}" == fail ]] && { echo "backup.sh: dump failed (exit 0 anyway)"; exit 0; }
    spec=$(grep '/' "$BACKUP_CONF" | head -n 1)
    db=${'$'}{spec##*/}; host=${'$'}{spec#*=}; host=${'$'}{host%%[:/]*}
    dir="${'$'}{BACKUP_DIR}daily/$(date +%Y-%m-%d)"; mkdir -p "$dir"
    f="$dir/$host-${'$'}{db}_$(date +%Y-%m-%d_%H-%M-%S).sql.gz"
    if [[ -n "${'$'}{STUB_SOURCE_PORT:-}" ]]; then
      pg_dump -Fp -h 127.0.0.1 -p "$STUB_SOURCE_PORT" -U "$DATABASE_USER" "$db" | gzip > "$f.in_progress" || exit 1
    else
      echo "-- dump" | gzip > "$f.in_progress"
    fi
    mv "$f.in_progress" "$f"
    ;;
  -s)
    if [[ "$2" == -r ]]; then
      spec=$3; file=$5; export PGPASSWORD=$7
      hp=${'$'}{spec#*=}; hp=${'$'}{hp%/*}; host=${'$'}{hp%:*}; port=${'$'}{hp#*:}; db=${'$'}{spec##*/}
      psql -h "$host" -p "$port" -ac "DROP DATABASE \"$db\";" || exit 1
      psql -h "$host" -p "$port" -ac "CREATE DATABASE \"$db\";" || exit 1
      psql -h "$host" -p "$port" -ac "GRANT ALL ON DATABASE \"$db\" TO \"$DATABASE_USER\";" || exit 1
      gunzip -c "$file" | psql -v ON_ERROR_STOP=1 -h "$host" -p "$port" -d "$db" >/dev/null
      exit ${'$'}{PIPESTATUS[1]}
    fi
    [[ "$2" == -v && "$3" == *"${'$'}{STUB_FAIL_VERIFY:-none}"* ]] && exit 3
    ;;
esac
exit 0
`;

/** Answers the few queries of the restore script without a server (selection tests). */
const PSQL_STUB = String.raw`#!/bin/bash
q=$(cat)
case "$q" in
  *shobj_description*) printf '%s\n' "${'$'}{STUB_COMMENT:-}" ;;
  *"SELECT 1 FROM pg_database"*) echo 1 ;;
  *pg_stat_activity*) echo 0 ;;
esac
`;

interface Run {
  readonly status: number | null;
  readonly out: string;
}

describe('the shell of the Patroni backup Jobs', () => {
  const available = hasTool('bash') && hasTool('gzip') && hasTool('find') && hasTool('awk');
  let dir = '';
  let stubs = '';
  let log = '';

  beforeAll(() => {
    dir = tempDir('pgfleet-patroni-sh-');
    stubs = path.join(dir, 'bin');
    fs.mkdirSync(stubs);
    for (const [name, text] of [['backup.sh', BACKUP_STUB], ['psql', PSQL_STUB], ['pg_isready', '#!/bin/bash\nexit 0\n']]) {
      fs.writeFileSync(path.join(stubs, name), text, { mode: 0o755 });
    }
    log = path.join(dir, 'backup.log');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(script: string, env: Record<string, string>): Run {
    fs.writeFileSync(log, '');
    const r = spawnSync('bash', ['-c', script], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: `${stubs}:${process.env.PATH}`, TMPDIR: dir, BACKUP_SH: path.join(stubs, 'backup.sh'), STUB_LOG: log, POLL_SECONDS: '1', ...env },
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }
  const calls = () => fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);

  /** A fake backup volume: paths relative to its root, with an age in minutes. */
  function volume(files: Record<string, number>): string {
    const root = fs.mkdtempSync(path.join(dir, 'backups-'));
    for (const [f, ageMinutes] of Object.entries(files)) {
      const p = path.join(root, f);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, '');
      const t = new Date(Date.now() - ageMinutes * 60_000);
      fs.utimesSync(p, t, t);
    }
    return `${root}/`;
  }

  (available ? describe : describe.skip)('restore: choosing the dump', () => {
    const tree = {
      'daily/2026-11-18/hcap-patroni-hcap_2026-11-18_02-00-00.sql.gz': 3000,
      'daily/2026-11-19/hcap-patroni-hcap_2026-11-19_02-00-00.sql.gz': 1500,
      'weekly/2026-11-22/hcap-patroni-hcap_2026-11-22_02-00-00.sql.gz': 60,
      'daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz': 10,
      // Not candidates: another database whose name extends this one, a dump being written, a stray file.
      'daily/2026-11-23/hcap-patroni-hcap_audit_2026-11-23_02-00-00.sql.gz': 1,
      'daily/2026-11-23/hcap-patroni-hcap_2026-11-23_02-00-00.sql.gz.in_progress': 1,
      'daily/2026-11-23/notes.txt': 1,
    };
    const restore = (env: Record<string, string>) =>
      run(RESTORE_SCRIPT, {
        BACKUP_DIR: volume(tree),
        DUMP_PREFIX: 'hcap-patroni-hcap',
        TARGET_HOST: 'hcap-patroni-r1',
        TARGET_PORT: '5432',
        DATABASE: 'hcap',
        PGUSER: 'postgres',
        ADMIN_PASSWORD: 'pw',
        APP_USER: 'hcap',
        RESTORE_MARKER: 'pgfleet:hcap-prod/hcap-patroni-r1-restore-hcap',
        ...env,
      });
    const loaded = () => {
      const c = calls();
      expect(c).toHaveLength(1);
      const m = /^-s -r postgres=hcap-patroni-r1:5432\/hcap -f (\S+) -a pw$/.exec(c[0]);
      expect(m).not.toBeNull();
      return m![1].replace(/^.*backups-[^/]+\//, '');
    };

    test('before a time: the newest dump whose stamp is at or before it, across daily and weekly folders', () => {
      expect(restore({ SELECT: 'before', TARGET_STAMP: '2026-11-21_00-00-00' })).toMatchObject({ status: 0 });
      expect(loaded()).toBe('daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz');
      expect(restore({ SELECT: 'before', TARGET_STAMP: '2026-11-19_02-00-00' })).toMatchObject({ status: 0 });
      expect(loaded()).toBe('daily/2026-11-19/hcap-patroni-hcap_2026-11-19_02-00-00.sql.gz');
      expect(restore({ SELECT: 'before', TARGET_STAMP: '2026-11-19_01-59-59' })).toMatchObject({ status: 0 });
      expect(loaded()).toBe('daily/2026-11-18/hcap-patroni-hcap_2026-11-18_02-00-00.sql.gz');
    });

    test('latest: the newest complete dump of this database, by its name, not by file time', () => {
      expect(restore({ SELECT: 'latest' })).toMatchObject({ status: 0 });
      expect(loaded()).toBe('weekly/2026-11-22/hcap-patroni-hcap_2026-11-22_02-00-00.sql.gz');
    });

    test('a named file must exist and be a dump of the source', () => {
      const blank = restore({ SELECT: 'file', BACKUP_FILE: '' });
      expect(blank.status).toBe(1);
      const root = volume(tree);
      const file = `${root}daily/2026-11-19/hcap-patroni-hcap_2026-11-19_02-00-00.sql.gz`;
      expect(restore({ BACKUP_DIR: root, SELECT: 'file', BACKUP_FILE: file })).toMatchObject({ status: 0 });
      expect(calls()[0]).toContain(`-f ${file} `);
      const other = restore({ BACKUP_DIR: root, SELECT: 'file', BACKUP_FILE: `${root}daily/2026-11-23/hcap-patroni-hcap_audit_2026-11-23_02-00-00.sql.gz` });
      expect(other.status).toBe(1);
      expect(other.out).toContain('is not a dump of hcap-patroni-hcap');
      const missing = restore({ BACKUP_DIR: root, SELECT: 'file', BACKUP_FILE: `${root}daily/2026-11-17/hcap-patroni-hcap_2026-11-17_02-00-00.sql.gz` });
      expect(missing.status).toBe(1);
      expect(missing.out).toMatch(/does not exist; newest dumps of hcap-patroni-hcap: .*2026-11-22_02-00-00/);
      expect(calls()).toEqual([]);
    });

    test('fails, loading nothing, when no dump is old enough or none exists', () => {
      const early = restore({ SELECT: 'before', TARGET_STAMP: '2026-11-01_00-00-00' });
      expect(early.status).toBe(1);
      expect(early.out).toContain('no dump of hcap-patroni-hcap taken at or before 2026-11-01_00-00-00; oldest: ');
      const empty = restore({ SELECT: 'latest', BACKUP_DIR: `${dir}/nowhere/` });
      expect(empty.status).toBe(1);
      expect(empty.out).toContain('no dump of hcap-patroni-hcap under');
      expect(calls()).toEqual([]);
    });

    test('does nothing when the database already carries this Job\'s mark', () => {
      const again = restore({ SELECT: 'latest', STUB_COMMENT: 'pgfleet:hcap-prod/hcap-patroni-r1-restore-hcap' });
      expect(again.status).toBe(0);
      expect(again.out).toContain('already holds this Job\'s restore');
      expect(calls()).toEqual([]);
    });
  });

  (available ? describe : describe.skip)('backup: one dump, or a failed Job', () => {
    const backup = (env: Record<string, string>) =>
      run(BACKUP_SCRIPT, { BACKUP_DIR: volume({ 'daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz': 1440 }), DUMP_PREFIX: 'hcap-patroni-hcap', BACKUP_CONF: confFile(), ...env });
    const confFile = () => {
      const f = path.join(dir, 'backup.conf');
      fs.writeFileSync(f, 'postgres=hcap-patroni:5432/hcap\n');
      return f;
    };

    test('succeeds when backup.sh -1 wrote a new dump, and names it', () => {
      const r = backup({});
      expect(r.status).toBe(0);
      expect(calls()).toEqual(['-1']);
      expect(r.out).toMatch(/pgfleet: wrote \S+\/daily\/\d{4}-\d\d-\d\d\/hcap-patroni-hcap_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.sql\.gz/);
    });

    test('fails when backup.sh exits 0 without a new dump (its way of reporting a failed pg_dump)', () => {
      const r = backup({ STUB_DUMP: 'fail' });
      expect(r.status).toBe(1);
      expect(r.out).toContain('backup.sh finished without writing a dump of hcap-patroni-hcap');
    });

    test('fails when backup.sh itself fails', () => {
      const r = run(BACKUP_SCRIPT, { BACKUP_SH: '/bin/false', BACKUP_DIR: `${dir}/x/`, DUMP_PREFIX: 'hcap-patroni-hcap' });
      expect(r.status).toBe(1);
      expect(r.out).toContain('backup.sh -1 exited with 1');
    });
  });

  (available ? describe : describe.skip)('verify: every database, newest dump, recent enough', () => {
    const specs = 'postgres=hcap-patroni:5432/hcap postgres=hcap-patroni:5432/hcap_audit';
    const verify = (files: Record<string, number>, env: Record<string, string> = {}) =>
      run(VERIFY_SCRIPT, { BACKUP_DIR: volume(files), DATABASE_SPECS: specs, MAX_AGE_MINUTES: '2880', IN_PROGRESS_WAIT_SECONDS: '0', ...env });
    const fresh = {
      'daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz': 120,
      'daily/2026-11-20/hcap-patroni-hcap_audit_2026-11-20_02-00-00.sql.gz': 120,
    };

    test('runs backup.sh -s -v once per database', () => {
      const r = verify(fresh);
      expect(r.status).toBe(0);
      expect(calls()).toEqual(['-s -v postgres=hcap-patroni:5432/hcap', '-s -v postgres=hcap-patroni:5432/hcap_audit']);
      expect(r.out).toContain('verified: ');
    });

    test('fails when a database has no dump, or only an old one, before restoring anything', () => {
      const none = verify({ 'daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz': 120 });
      expect(none.status).toBe(1);
      expect(none.out).toContain('no dump of hcap-patroni-hcap_audit');
      const old = verify({ ...fresh, 'daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz': 3000 });
      expect(old.status).toBe(1);
      expect(old.out).toContain('the newest dump of hcap-patroni-hcap, ');
      expect(old.out).toContain('is older than 2880 minutes');
      expect(calls()).toEqual([]);
    });

    test('fails when any database fails to restore, not only the last', () => {
      const last = verify(fresh, { STUB_FAIL_VERIFY: '5432/hcap_audit' });
      expect(last.status).toBe(1);
      expect(last.out).toContain('restoring ');
      const first = verify(fresh, { STUB_FAIL_VERIFY: '5432/hcap' });
      expect(first.status).toBe(1);
      expect(calls()).toEqual(['-s -v postgres=hcap-patroni:5432/hcap']);
    });

    test('waits for a dump being written; ignores one abandoned hours ago', () => {
      const busy = verify({ ...fresh, 'daily/2026-11-21/hcap-patroni-hcap_2026-11-21_02-00-00.sql.gz.in_progress': 1 });
      expect(busy.status).toBe(1);
      expect(busy.out).toContain('a dump is still being written after 0s');
      const stale = verify({ ...fresh, 'daily/2026-11-19/hcap-patroni-hcap_2026-11-19_02-00-00.sql.gz.in_progress': 600 });
      expect(stale.status).toBe(0);
    });
  });

  const postgres = available && hasTool(`${BIN}/initdb`) && hasTool(`${BIN}/pg_dump`) && (!asRoot || hasTool('runuser'));

  (postgres ? describe : describe.skip)('restore and upgrade into a real PostgreSQL', () => {
    let pgdir = '';
    const ports: Record<'source' | 'target', number> = { source: 0, target: 0 };
    const started: string[] = [];

    /** Runs as postgres (PostgreSQL refuses root) with a clean environment. */
    function asPostgres(cmd: string, args: string[], env: Record<string, string> = {}, opts: { allowFail?: boolean } = {}): Run {
      const full = { PATH: `${BIN}:${process.env.PATH}`, HOME: pgdir, LC_ALL: 'C.UTF-8', PGHOST: '127.0.0.1', PGUSER: 'postgres', ...env };
      const argv = asRoot ? ['runuser', '-u', 'postgres', '--', 'env', '-i', ...Object.entries(full).map(([k, v]) => `${k}=${v}`), cmd, ...args] : ['env', '-i', ...Object.entries(full).map(([k, v]) => `${k}=${v}`), cmd, ...args];
      const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 60_000, cwd: pgdir });
      if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    }
    const sql = (server: 'source' | 'target', db: string, q: string) => asPostgres('psql', ['-p', String(ports[server]), '-d', db, '-X', '-v', 'ON_ERROR_STOP=1', '-Atc', q]).out.trim();
    const rows = (server: 'source' | 'target', db = 'hcap') => sql(server, db, 'SELECT v FROM t ORDER BY v').split('\n').join(',');


    /** Dumps `db` of the source the way the backup-container names it, as of now. */
    function dumpAs(db: string, rel: string): string {
      const file = path.join(pgdir, 'backups', rel);
      asPostgres('bash', ['-c', `mkdir -p "$(dirname "${file}")" && pg_dump -Fp -p ${ports.source} "${db}" | gzip > "${file}"`]);
      return file;
    }

    const restoreEnv = (env: Record<string, string>) => ({
      BACKUP_SH: path.join(pgdir, 'backup.sh'),
      STUB_LOG: path.join(pgdir, 'backup.log'),
      POLL_SECONDS: '1',
      TMPDIR: pgdir,
      BACKUP_DIR: `${pgdir}/backups/`,
      DUMP_PREFIX: 'src-hcap',
      TARGET_HOST: '127.0.0.1',
      TARGET_PORT: String(ports.target),
      DATABASE: 'hcap',
      ADMIN_PASSWORD: 'unused-with-trust',
      APP_USER: 'hcap',
      DATABASE_USER: 'postgres',
      ...env,
    });
    const script = (text: string, env: Record<string, string>) => asPostgres('bash', ['-c', text], restoreEnv(env), { allowFail: true });

    beforeAll(async () => {
      pgdir = tempDir('pgfleet-patroni-pg-');
      fs.chmodSync(pgdir, 0o755);
      fs.writeFileSync(path.join(pgdir, 'backup.sh'), BACKUP_STUB, { mode: 0o755 });
      if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', pgdir]);
      for (const server of ['source', 'target'] as const) {
        ports[server] = await freePort();
        const data = path.join(pgdir, server);
        asPostgres(`${BIN}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
        asPostgres(`${BIN}/pg_ctl`, ['start', '-w', '-t', '60', '-D', data, '-l', `${data}.log`, '-o', `-c port=${ports[server]} -c listen_addresses=127.0.0.1 -c unix_socket_directories='${pgdir}' -c fsync=off`]);
        started.push(data);
        // What the image's post_init creates in every generation.
        sql(server, 'postgres', 'CREATE ROLE hcap LOGIN');
        sql(server, 'postgres', 'CREATE DATABASE hcap OWNER hcap');
      }
      sql('source', 'hcap', "SET ROLE hcap; CREATE TABLE t (v text); INSERT INTO t VALUES ('a')");
      dumpAs('hcap', 'daily/2026-11-20/src-hcap_2026-11-20_02-00-00.sql.gz');
      sql('source', 'hcap', "INSERT INTO t VALUES ('b')");
      dumpAs('hcap', 'daily/2026-11-21/src-hcap_2026-11-21_02-00-00.sql.gz');
      sql('source', 'hcap', "INSERT INTO t VALUES ('c')");
    });

    afterAll(() => {
      for (const data of started) asPostgres(`${BIN}/pg_ctl`, ['stop', '-m', 'immediate', '-w', '-D', data], {}, { allowFail: true });
      if (pgdir) fs.rmSync(pgdir, { recursive: true, force: true });
    });

    test('loads the newest dump before the time, gives the database to the application user, marks it', () => {
      const r = script(RESTORE_SCRIPT, { SELECT: 'before', TARGET_STAMP: '2026-11-20_12-00-00', RESTORE_MARKER: 'pgfleet:test/job-1' });
      expect(r.out).toContain('restored ');
      expect(r.status).toBe(0);
      expect(rows('target')).toBe('a');
      expect(sql('target', 'postgres', "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'hcap'")).toBe('hcap');
      expect(sql('target', 'postgres', "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'hcap'")).toBe('pgfleet:test/job-1');
      expect(sql('target', 'hcap', "SELECT tableowner FROM pg_tables WHERE tablename = 't'")).toBe('hcap');
    });

    test('the same Job run again (re-created) leaves the data alone', () => {
      sql('target', 'hcap', "INSERT INTO t VALUES ('written after the restore')");
      const r = script(RESTORE_SCRIPT, { SELECT: 'before', TARGET_STAMP: '2026-11-20_12-00-00', RESTORE_MARKER: 'pgfleet:test/job-1' });
      expect(r.status).toBe(0);
      expect(r.out).toContain('nothing to do');
      expect(rows('target')).toBe('a,written after the restore');
    });

    test('refuses to drop a database that sessions still use, and proceeds once they are gone', async () => {
      const session = spawn(asRoot ? 'runuser' : 'env', [...(asRoot ? ['-u', 'postgres', '--'] : []), `${BIN}/psql`, '-h', '127.0.0.1', '-p', String(ports.target), '-U', 'postgres', '-d', 'hcap', '-c', 'SELECT pg_sleep(30)'], { stdio: 'ignore' });
      try {
        for (let i = 0; i < 50 && sql('target', 'postgres', "SELECT count(*) FROM pg_stat_activity WHERE datname = 'hcap'") === '0'; i++) await new Promise((res) => setTimeout(res, 100));
        const busy = script(RESTORE_SCRIPT, { SELECT: 'latest', RESTORE_MARKER: 'pgfleet:test/job-2', CONNECTIONS_WAIT_SECONDS: '0' });
        expect(busy.status).toBe(1);
        expect(busy.out).toContain('1 session(s) still use hcap');
        expect(rows('target')).toBe('a,written after the restore');
      } finally {
        session.kill();
        sql('target', 'postgres', "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'hcap' AND pid <> pg_backend_pid()");
      }
      const r = script(RESTORE_SCRIPT, { SELECT: 'latest', RESTORE_MARKER: 'pgfleet:test/job-2', CONNECTIONS_WAIT_SECONDS: '5' });
      expect(r.status).toBe(0);
      expect(rows('target')).toBe('a,b');
    });

    test('creates a database the new generation does not have before loading it', () => {
      sql('source', 'postgres', 'CREATE DATABASE audit OWNER hcap');
      sql('source', 'audit', "SET ROLE hcap; CREATE TABLE t (v text); INSERT INTO t VALUES ('x')");
      dumpAs('audit', 'daily/2026-11-21/src-audit_2026-11-21_02-00-00.sql.gz');
      const r = script(RESTORE_SCRIPT, { SELECT: 'latest', DUMP_PREFIX: 'src-audit', DATABASE: 'audit', RESTORE_MARKER: 'pgfleet:test/audit' });
      expect(r.status).toBe(0);
      expect(rows('target', 'audit')).toBe('x');
    });

    test('upgrade: dumps the source now, into its own folder, and loads that dump', () => {
      const conf = path.join(pgdir, 'src.conf');
      fs.writeFileSync(conf, 'postgres=src:5432/hcap\n');
      const r = script(UPGRADE_SCRIPT, { BACKUP_CONF: conf, BACKUP_DIR: `${pgdir}/backups/upgrade-target/`, STUB_SOURCE_PORT: String(ports.source), RESTORE_MARKER: 'pgfleet:test/upgrade' });
      expect(r.out).toMatch(/wrote \S+\/backups\/upgrade-target\/daily\/\S+\/src-hcap_\S+\.sql\.gz/);
      expect(r.status).toBe(0);
      expect(rows('target')).toBe('a,b,c');
      // A second run finds the mark before dumping again.
      const again = script(UPGRADE_SCRIPT, { BACKUP_CONF: conf, BACKUP_DIR: `${pgdir}/backups/upgrade-target/`, STUB_SOURCE_PORT: String(ports.source), RESTORE_MARKER: 'pgfleet:test/upgrade' });
      expect(again.status).toBe(0);
      expect(again.out).toContain('nothing to do');
      expect(fs.readdirSync(path.join(pgdir, 'backups/upgrade-target/daily')).flatMap((d) => fs.readdirSync(path.join(pgdir, 'backups/upgrade-target/daily', d)))).toHaveLength(1);
    });
  });
});
