/**
 * Executes the shell pgfleet's backup-container Jobs run (lib/engines/patroni/job-scripts.ts),
 * exactly as rendered into the manifests, with the environment the manifests give it.
 *
 * The image's own `/backup.sh` is replaced by a stub (BACKUP_SH) that behaves like the
 * backup-container's `backup.sh` + `backup.postgres.plugin` where our scripts depend on it:
 * - `-1` writes `<BACKUP_DIR>daily/<date>/<host>-<db>_<stamp>.sql.gz` through `.in_progress`, as
 *   the plugin does: gzip'd `pg_dumpall --roles-only --no-role-passwords` followed (STUB_ROLES=last:
 *   preceded) by `pg_dump -Fp` of a real server (STUB_SOURCE_PORT), else a small stand-in; it
 *   exits 0 after a failed dump (STUB_DUMP=fail: no file; =truncated: a file whose pg_dump
 *   stopped half-way); STUB_CLOCK_OFFSET gives the volume's file server a clock of its own.
 * - `-r` / `-v` restore like `onRestoreDatabase`: DROP DATABASE, CREATE DATABASE, drop the
 *   Patroni schemas, GRANT, replay with ON_ERROR_STOP=1 (0 with `-I`); `-v` restores the newest
 *   dump into a scratch database (STUB_SCRATCH_PORT) and fails when no table results.
 * Dump selection and the backup and verification checks run against fake `/backups` trees; the
 * restore, upgrade and verification run against two real throwaway PostgreSQL 15 servers
 * (source and target generation) that hold the roles Patroni and post_init create.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { BACKUP_SCRIPT, RESTORE_SCRIPT, UPGRADE_SCRIPT, VERIFY_SCRIPT } from '../../lib/engines/patroni/job-scripts';
import { describeWithTools, tempDir, freePort } from '../helpers';

const BIN = '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;

/** Stands in for the image's /backup.sh (see the file comment). */
const BACKUP_STUB = String.raw`#!/bin/bash
echo "$*" >> "$STUB_LOG"
mode= spec= file= ignore=
while getopts ':1sIr:v:f:a:' o; do
  case $o in
    1) mode=once ;;
    I) ignore=1 ;;
    r) mode=restore spec=$OPTARG ;;
    v) mode=verify spec=$OPTARG ;;
    f) file=$OPTARG ;;
    a) export PGPASSWORD=$OPTARG ;;
  esac
done
parse() { host=${'$'}{1#*=}; host=${'$'}{host%%[:/]*}; port=${'$'}{1#*:}; port=${'$'}{port%%/*}; db=${'$'}{1##*/}; }

# onRestoreDatabase of backup.postgres.plugin.
restore() {
  local h=$1 p=$2 d=$3 f=$4
  psql -h "$h" -p "$p" -ac "DROP DATABASE \"$d\";" || return 1
  psql -h "$h" -p "$p" -ac "CREATE DATABASE \"$d\";" || return 1
  printf '%s\n' 'DROP SCHEMA IF EXISTS metric_helpers CASCADE;' 'DROP SCHEMA IF EXISTS user_management CASCADE;' | psql -h "$h" -p "$p" -a -d "$d" || return 1
  psql -h "$h" -p "$p" -ac "GRANT ALL ON DATABASE \"$d\" TO \"$DATABASE_USER\";" || return 1
  gunzip -c "$f" | psql -v ON_ERROR_STOP=$([[ -n $ignore ]] && echo 0 || echo 1) -x -h "$h" -p "$p" -d "$d" >/dev/null
  return ${'$'}{PIPESTATUS[1]}
}

case $mode in
  once)
    [[ "${'$'}{STUB_DUMP:-write}" == fail ]] && { echo "backup.sh: dump failed (exit 0 anyway)"; exit 0; }
    parse "$(grep '/' "$BACKUP_CONF" | head -n 1)"
    f=${'$'}{STUB_FILE:-${'$'}{BACKUP_DIR}daily/$(date +%Y-%m-%d)/$host-${'$'}{db}_$(date +%Y-%m-%d_%H-%M-%S).sql.gz}
    mkdir -p "$(dirname "$f")"
    # Files just written to the volume carry the file server's time, not the node's.
    [[ -n "${'$'}{STUB_CLOCK_OFFSET:-}" ]] && find "$BACKUP_DIR" -type f -mmin -2 -exec touch -d "@$(( $(date +%s) + STUB_CLOCK_OFFSET ))" {} +
    if [[ -n "${'$'}{STUB_SOURCE_PORT:-}" ]]; then
      roles() { pg_dumpall -h 127.0.0.1 -p "$STUB_SOURCE_PORT" -U "$DATABASE_USER" --roles-only --no-role-passwords; }
      data() { pg_dump -Fp -h 127.0.0.1 -p "$STUB_SOURCE_PORT" -U "$DATABASE_USER" "$db"; }
      if [[ "${'$'}{STUB_ROLES:-first}" == first ]]; then { roles; data; }; else { data; roles; }; fi | gzip > "$f.in_progress"
    else
      printf -- '-- loaded: %s\n-- PostgreSQL database dump complete\n' "$f" | gzip > "$f.in_progress"
    fi
    if [[ "${'$'}{STUB_DUMP:-write}" == truncated ]]; then gunzip -c "$f.in_progress" | head -n 1 | gzip > "$f.cut"; mv "$f.cut" "$f.in_progress"; fi
    mv "$f.in_progress" "$f"
    [[ -n "${'$'}{STUB_CLOCK_OFFSET:-}" ]] && touch -d "@$(( $(date +%s) + STUB_CLOCK_OFFSET + 1 ))" "$f"
    ;;
  restore)
    parse "$spec"
    restore "$host" "$port" "$db" "$file" || exit $?
    ;;
  verify)
    parse "$spec"
    if [[ -z "${'$'}{STUB_SCRATCH_PORT:-}" ]]; then
      [[ "$spec" == *"${'$'}{STUB_FAIL_VERIFY:-none}"* ]] && exit 3
      exit 0
    fi
    f=$(find "$BACKUP_DIR" -type f -name "$host-${'$'}{db}_*.sql.gz" -printf '%T@ %p\n' | sort | tail -n 1 | cut -d' ' -f2-)
    d=${'$'}{STUB_SCRATCH_DB:-$db}
    # The scratch server starts with its database (run-postgresql's POSTGRESQL_DATABASE).
    psql -h 127.0.0.1 -p "$STUB_SCRATCH_PORT" -tAc "SELECT 1 FROM pg_database WHERE datname = '$d'" | grep -q 1 || psql -h 127.0.0.1 -p "$STUB_SCRATCH_PORT" -c "CREATE DATABASE \"$d\"" || exit 1
    restore 127.0.0.1 "$STUB_SCRATCH_PORT" "$d" "$f" || exit $?
    tables=$(psql -h 127.0.0.1 -p "$STUB_SCRATCH_PORT" -d "$d" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
    (( tables > 0 )) || exit 3
    ;;
esac
exit 0
`;

/** Answers the queries of the restore script without a server (selection tests), and logs what it would drop and load. */
const PSQL_STUB = String.raw`#!/bin/bash
q=$(cat)
case "$q" in
  *shobj_description*) printf '%s\n' "${'$'}{STUB_COMMENT:-}" ;;
  *quote_ident*) printf '%s\n' postgres hcap ;;
  *pg_stat_activity*) echo 0 ;;
  *"DROP DATABASE"*) echo "drop" >> "$STUB_LOG" ;;
  *"-- loaded: "*) q=${'$'}{q#*-- loaded: }; echo "load ${'$'}{q%%$'\n'*}" >> "$STUB_LOG" ;;
esac
`;

interface Run {
  readonly status: number | null;
  readonly out: string;
}

describe('the shell of the Patroni backup Jobs', () => {
  const shell = ['bash', 'gzip', 'find', 'awk'];
  let dir = '';
  let stubs = '';
  let log = '';

  beforeAll(() => {
    dir = tempDir('pgfleet-patroni-sh-');
    stubs = path.join(dir, 'bin');
    fs.mkdirSync(stubs);
    for (const [name, text] of [
      ['backup.sh', BACKUP_STUB],
      ['psql', PSQL_STUB],
      ['pg_isready', '#!/bin/bash\nexit 0\n'],
    ]) {
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
      env: {
        PATH: `${stubs}:${process.env.PATH}`,
        TMPDIR: dir,
        BACKUP_SH: path.join(stubs, 'backup.sh'),
        STUB_LOG: log,
        POLL_SECONDS: '1',
        ...env,
      },
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }
  const calls = () => fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);

  /** A complete stand-in dump (what the backup stub writes without a server): it names itself when loaded. */
  const standIn = (name: string, complete = true) =>
    zlib.gzipSync(`-- loaded: ${name}\n${complete ? '-- PostgreSQL database dump complete\n' : ''}`);

  /**
   * A fake backup volume: paths relative to its root, with an age in minutes; dumps are complete
   * stand-ins unless listed in `incomplete`.
   */
  function volume(files: Record<string, number>, incomplete: readonly string[] = []): string {
    const root = fs.mkdtempSync(path.join(dir, 'backups-'));
    for (const [f, ageMinutes] of Object.entries(files)) {
      const p = path.join(root, f);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, f.endsWith('.sql.gz') ? standIn(f, !incomplete.includes(f)) : '');
      const t = new Date(Date.now() - ageMinutes * 60_000);
      fs.utimesSync(p, t, t);
    }
    return `${root}/`;
  }
  /** Every file under a directory, relative to it. */
  const filesUnder = (root: string): string[] =>
    (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile()).sort();

  describeWithTools(shell, 'restore: choosing the dump', () => {
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
    /** The one dump the script dropped the database for and loaded. */
    const loaded = () => {
      const c = calls();
      expect(c).toEqual(['drop', expect.stringMatching(/^load /)]);
      return c[1].slice('load '.length);
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
      expect(loaded()).toBe('daily/2026-11-19/hcap-patroni-hcap_2026-11-19_02-00-00.sql.gz');
      const other = restore({
        BACKUP_DIR: root,
        SELECT: 'file',
        BACKUP_FILE: `${root}daily/2026-11-23/hcap-patroni-hcap_audit_2026-11-23_02-00-00.sql.gz`,
      });
      expect(other.status).toBe(1);
      expect(other.out).toContain('is not a dump of hcap-patroni-hcap');
      const missing = restore({
        BACKUP_DIR: root,
        SELECT: 'file',
        BACKUP_FILE: `${root}daily/2026-11-17/hcap-patroni-hcap_2026-11-17_02-00-00.sql.gz`,
      });
      expect(missing.status).toBe(1);
      expect(missing.out).toMatch(/does not exist; newest dumps of hcap-patroni-hcap: .*2026-11-22_02-00-00/);
      expect(calls()).toEqual([]);
    });

    test('fails, dropping nothing, when no dump is old enough or none exists', () => {
      const early = restore({ SELECT: 'before', TARGET_STAMP: '2026-11-01_00-00-00' });
      expect(early.status).toBe(1);
      expect(early.out).toContain('no dump of hcap-patroni-hcap taken at or before 2026-11-01_00-00-00; oldest: ');
      const empty = restore({ SELECT: 'latest', BACKUP_DIR: `${dir}/nowhere/` });
      expect(empty.status).toBe(1);
      expect(empty.out).toContain('no dump of hcap-patroni-hcap under');
      expect(calls()).toEqual([]);
    });

    test('fails, dropping nothing, when the chosen dump is not complete', () => {
      const cut = 'weekly/2026-11-22/hcap-patroni-hcap_2026-11-22_02-00-00.sql.gz';
      const r = restore({ SELECT: 'latest', BACKUP_DIR: volume(tree, [cut]) });
      expect(r.status).toBe(1);
      expect(r.out).toContain(`${cut} is not a complete dump`);
      expect(calls()).toEqual([]);
    });

    test("does nothing when the database already carries this Job's mark", () => {
      const again = restore({ SELECT: 'latest', STUB_COMMENT: 'pgfleet:hcap-prod/hcap-patroni-r1-restore-hcap' });
      expect(again.status).toBe(0);
      expect(again.out).toContain("already holds this Job's restore");
      expect(calls()).toEqual([]);
    });
  });

  describeWithTools(shell, 'backup: one complete dump, or a failed Job', () => {
    const confFile = () => {
      const f = path.join(dir, 'backup.conf');
      fs.writeFileSync(f, 'postgres=hcap-patroni:5432/hcap\n');
      return f;
    };
    const backup = (env: Record<string, string>) =>
      run(BACKUP_SCRIPT, {
        BACKUP_DIR: volume({ 'daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz': 1440 }),
        DUMP_PREFIX: 'hcap-patroni-hcap',
        BACKUP_CONF: confFile(),
        ...env,
      });
    const written = (r: Run) => /pgfleet: wrote (\S+)/.exec(r.out)?.[1];

    test('succeeds when backup.sh -1 wrote a new dump, names it, and leaves no marker behind', () => {
      const root = volume({ 'daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz': 1440 });
      const r = backup({ BACKUP_DIR: root });
      expect(r.status).toBe(0);
      expect(calls()).toEqual(['-1']);
      expect(written(r)).toMatch(/\/daily\/\d{4}-\d\d-\d\d\/hcap-patroni-hcap_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.sql\.gz$/);
      expect(filesUnder(root)).toHaveLength(2);
    });

    test("a dump is new by the backup volume's clock, not the node's: a file server ten minutes behind fails no backup", () => {
      const root = volume({});
      const r = backup({ BACKUP_DIR: root, STUB_CLOCK_OFFSET: '-600', TMPDIR: path.join(dir, 'node-tmp-unused') });
      expect(r.out).toContain('pgfleet: wrote ');
      expect(r.status).toBe(0);
      expect(filesUnder(root)).toEqual([expect.stringMatching(/^daily\/.*\.sql\.gz$/)]);
    });

    test('fails when backup.sh exits 0 without a new dump (its way of reporting a failed pg_dump)', () => {
      const root = volume({});
      const r = backup({ BACKUP_DIR: root, STUB_DUMP: 'fail' });
      expect(r.status).toBe(1);
      expect(r.out).toContain('backup.sh finished without writing a dump of hcap-patroni-hcap');
      expect(filesUnder(root)).toEqual([]);
    });

    test('fails, and removes the file, when the dump backup.sh kept is not complete', () => {
      const root = volume({});
      const r = backup({ BACKUP_DIR: root, STUB_DUMP: 'truncated' });
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/backup\.sh wrote \S+hcap-patroni-hcap_\S+\.sql\.gz, but its pg_dump did not finish/);
      expect(filesUnder(root)).toEqual([]);
    });

    test('fails when backup.sh itself fails, and leaves no marker behind', () => {
      const root = `${dir}/x/`;
      const r = run(BACKUP_SCRIPT, { BACKUP_SH: '/bin/false', BACKUP_DIR: root, DUMP_PREFIX: 'hcap-patroni-hcap' });
      expect(r.status).toBe(1);
      expect(r.out).toContain('backup.sh -1 exited with 1');
      expect(filesUnder(root)).toEqual([]);
    });
  });

  describeWithTools(shell, 'verify: every database, newest dump, recent and complete enough', () => {
    const specs = 'postgres=hcap-patroni:5432/hcap postgres=hcap-patroni:5432/hcap_audit';
    const verify = (files: Record<string, number>, env: Record<string, string> = {}, incomplete: readonly string[] = []) =>
      run(VERIFY_SCRIPT, {
        BACKUP_DIR: volume(files, incomplete),
        DATABASE_SPECS: specs,
        MAX_AGE_MINUTES: '2880',
        IN_PROGRESS_WAIT_SECONDS: '0',
        ...env,
      });
    const fresh = {
      'daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz': 120,
      'daily/2026-11-20/hcap-patroni-hcap_audit_2026-11-20_02-00-00.sql.gz': 120,
    };

    test('runs backup.sh -I -s -v once per database', () => {
      const r = verify(fresh);
      expect(r.status).toBe(0);
      expect(calls()).toEqual(['-I -s -v postgres=hcap-patroni:5432/hcap', '-I -s -v postgres=hcap-patroni:5432/hcap_audit']);
      expect(r.out).toContain('verified: ');
    });

    test('fails when a database has no dump, only an old one, or an incomplete one, before restoring anything', () => {
      const none = verify({ 'daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz': 120 });
      expect(none.status).toBe(1);
      expect(none.out).toContain('no dump of hcap-patroni-hcap_audit');
      const old = verify({ ...fresh, 'daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz': 3000 });
      expect(old.status).toBe(1);
      expect(old.out).toContain('the newest dump of hcap-patroni-hcap, ');
      expect(old.out).toContain('is older than 2880 minutes');
      const cut = verify(fresh, {}, ['daily/2026-11-20/hcap-patroni-hcap_2026-11-20_02-00-00.sql.gz']);
      expect(cut.status).toBe(1);
      expect(cut.out).toMatch(/the newest dump of hcap-patroni-hcap, \S+, is not complete/);
      expect(calls()).toEqual([]);
    });

    test('fails when any database fails to restore, not only the last', () => {
      const last = verify(fresh, { STUB_FAIL_VERIFY: '5432/hcap_audit' });
      expect(last.status).toBe(1);
      expect(last.out).toContain('restoring ');
      const first = verify(fresh, { STUB_FAIL_VERIFY: '5432/hcap' });
      expect(first.status).toBe(1);
      expect(calls()).toEqual(['-I -s -v postgres=hcap-patroni:5432/hcap']);
    });

    test('waits for a dump being written; ignores one abandoned hours ago', () => {
      const busy = verify({ ...fresh, 'daily/2026-11-21/hcap-patroni-hcap_2026-11-21_02-00-00.sql.gz.in_progress': 1 });
      expect(busy.status).toBe(1);
      expect(busy.out).toContain('a dump is still being written after 0s');
      const stale = verify({ ...fresh, 'daily/2026-11-19/hcap-patroni-hcap_2026-11-19_02-00-00.sql.gz.in_progress': 600 });
      expect(stale.status).toBe(0);
    });
  });

  const postgres = [...shell, `${BIN}/initdb`, `${BIN}/pg_dump`, `${BIN}/pg_dumpall`, ...(asRoot ? ['runuser'] : [])];

  describeWithTools(postgres, 'restore, upgrade and verification with real PostgreSQL and real dumps', () => {
    let pgdir = '';
    const ports: Record<'source' | 'target', number> = { source: 0, target: 0 };
    const started: string[] = [];

    /** Runs as postgres (PostgreSQL refuses root) with a clean environment. */
    function asPostgres(cmd: string, args: string[], env: Record<string, string> = {}, opts: { allowFail?: boolean } = {}): Run {
      const full = { PATH: `${BIN}:${process.env.PATH}`, HOME: pgdir, LC_ALL: 'C.UTF-8', PGHOST: '127.0.0.1', PGUSER: 'postgres', ...env };
      const argv = asRoot
        ? ['runuser', '-u', 'postgres', '--', 'env', '-i', ...Object.entries(full).map(([k, v]) => `${k}=${v}`), cmd, ...args]
        : ['env', '-i', ...Object.entries(full).map(([k, v]) => `${k}=${v}`), cmd, ...args];
      const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 60_000, cwd: pgdir });
      if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    }
    const sql = (server: 'source' | 'target', db: string, q: string) =>
      asPostgres('psql', ['-p', String(ports[server]), '-d', db, '-X', '-v', 'ON_ERROR_STOP=1', '-Atc', q]).out.trim();
    const rows = (server: 'source' | 'target', db = 'hcap') => sql(server, db, 'SELECT v FROM t ORDER BY v').split('\n').join(',');

    const stubEnv = () => ({
      BACKUP_SH: path.join(pgdir, 'backup.sh'),
      STUB_LOG: path.join(pgdir, 'backup.log'),
      DATABASE_USER: 'postgres',
    });

    /** A dump of the source's `db` exactly as backup.sh -1 writes it, at `rel` under the backup volume. */
    function dumpAs(db: string, rel: string, roles: 'first' | 'last' = 'first'): string {
      const file = path.join(pgdir, 'backups', rel);
      const conf = path.join(pgdir, `${db}.conf`);
      fs.writeFileSync(conf, `postgres=src:5432/${db}\n`);
      asPostgres(path.join(pgdir, 'backup.sh'), ['-1'], {
        ...stubEnv(),
        BACKUP_CONF: conf,
        BACKUP_DIR: `${pgdir}/backups/`,
        STUB_SOURCE_PORT: String(ports.source),
        STUB_FILE: file,
        STUB_ROLES: roles,
      });
      return file;
    }

    const restoreEnv = (env: Record<string, string>) => ({
      ...stubEnv(),
      POLL_SECONDS: '1',
      TMPDIR: pgdir,
      BACKUP_DIR: `${pgdir}/backups/`,
      DUMP_PREFIX: 'src-hcap',
      TARGET_HOST: '127.0.0.1',
      TARGET_PORT: String(ports.target),
      DATABASE: 'hcap',
      ADMIN_PASSWORD: 'unused-with-trust',
      APP_USER: 'hcap',
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
        asPostgres(`${BIN}/pg_ctl`, [
          'start',
          '-w',
          '-t',
          '60',
          '-D',
          data,
          '-l',
          `${data}.log`,
          '-o',
          `-c port=${ports[server]} -c listen_addresses=127.0.0.1 -c unix_socket_directories='${pgdir}' -c fsync=off`,
        ]);
        started.push(data);
        // What Patroni (superuser postgres, replication user) and the image's post_init create in every generation.
        sql(server, 'postgres', 'CREATE ROLE replicator REPLICATION LOGIN');
        sql(server, 'postgres', 'CREATE ROLE hcap LOGIN');
        sql(server, 'postgres', 'CREATE DATABASE hcap OWNER hcap');
      }
      // A role only the source has (granted by the application), and the target's own application password.
      sql('source', 'postgres', 'CREATE ROLE reporting NOLOGIN');
      sql('target', 'postgres', "ALTER ROLE hcap PASSWORD 'target-password'");
      sql('source', 'hcap', "SET ROLE hcap; CREATE TABLE t (v text); INSERT INTO t VALUES ('a'); GRANT SELECT ON t TO reporting");
      dumpAs('hcap', 'daily/2026-11-20/src-hcap_2026-11-20_02-00-00.sql.gz');
      sql('source', 'hcap', "INSERT INTO t VALUES ('b')");
      dumpAs('hcap', 'daily/2026-11-21/src-hcap_2026-11-21_02-00-00.sql.gz');
      sql('source', 'hcap', "INSERT INTO t VALUES ('c')");
    });

    afterAll(() => {
      for (const data of started) asPostgres(`${BIN}/pg_ctl`, ['stop', '-m', 'immediate', '-w', '-D', data], {}, { allowFail: true });
      if (pgdir) fs.rmSync(pgdir, { recursive: true, force: true });
    });

    test("a real dump is pg_dumpall --roles-only before pg_dump, gzip'd", () => {
      const text = zlib
        .gunzipSync(fs.readFileSync(path.join(pgdir, 'backups/daily/2026-11-20/src-hcap_2026-11-20_02-00-00.sql.gz')))
        .toString();
      const at = (line: string) => text.split('\n').indexOf(line);
      expect(at('-- PostgreSQL database cluster dump')).toBeGreaterThan(-1);
      expect(at('CREATE ROLE hcap;')).toBeGreaterThan(at('-- PostgreSQL database cluster dump'));
      expect(at('CREATE ROLE postgres;')).toBeLessThan(at('-- PostgreSQL database cluster dump complete'));
      expect(at('-- PostgreSQL database cluster dump complete')).toBeLessThan(at('-- PostgreSQL database dump'));
      expect(at('-- PostgreSQL database dump complete')).toBeGreaterThan(at('-- PostgreSQL database dump'));
      expect(text).not.toMatch(/PASSWORD/i);
    });

    test("the backup-container's own restore (backup.sh -r) stops at the first role the target already has", () => {
      const file = path.join(pgdir, 'backups/daily/2026-11-20/src-hcap_2026-11-20_02-00-00.sql.gz');
      sql('target', 'postgres', 'CREATE DATABASE probe');
      const r = asPostgres(
        path.join(pgdir, 'backup.sh'),
        ['-s', '-r', `postgres=127.0.0.1:${ports.target}/probe`, '-f', file, '-a', 'unused'],
        stubEnv(),
        { allowFail: true },
      );
      expect(r.status).toBe(3);
      expect(r.out).toContain('role "hcap" already exists');
      expect(sql('target', 'probe', "SELECT count(*) FROM pg_tables WHERE tablename = 't'")).toBe('0');
      sql('target', 'postgres', 'DROP DATABASE probe');
    });

    test("loads the newest dump before the time, keeps the target's roles, creates the missing ones, gives the database to the application user, marks it", () => {
      const r = script(RESTORE_SCRIPT, { SELECT: 'before', TARGET_STAMP: '2026-11-20_12-00-00', RESTORE_MARKER: 'pgfleet:test/job-1' });
      expect(r.out).toContain('restored ');
      expect(r.status).toBe(0);
      expect(r.out).toContain("keeping the target's role: CREATE ROLE hcap;");
      expect(r.out).toContain("keeping the target's role: CREATE ROLE postgres;");
      expect(r.out).not.toContain('ERROR');
      expect(rows('target')).toBe('a');
      expect(sql('target', 'postgres', "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'hcap'")).toBe('hcap');
      expect(sql('target', 'postgres', "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = 'hcap'")).toBe(
        'pgfleet:test/job-1',
      );
      expect(sql('target', 'hcap', "SELECT tableowner FROM pg_tables WHERE tablename = 't'")).toBe('hcap');
      // The source's role and its grant arrived; the application user kept its password and attributes.
      expect(sql('target', 'hcap', "SELECT has_table_privilege('reporting', 't', 'SELECT')")).toBe('t');
      expect(sql('target', 'postgres', "SELECT rolpassword IS NOT NULL, rolcanlogin FROM pg_authid WHERE rolname = 'hcap'")).toBe('t|t');
      expect(sql('target', 'postgres', "SELECT rolreplication FROM pg_roles WHERE rolname = 'replicator'")).toBe('t');
    });

    test('the same Job run again (re-created) leaves the data alone', () => {
      sql('target', 'hcap', "INSERT INTO t VALUES ('written after the restore')");
      const r = script(RESTORE_SCRIPT, { SELECT: 'before', TARGET_STAMP: '2026-11-20_12-00-00', RESTORE_MARKER: 'pgfleet:test/job-1' });
      expect(r.status).toBe(0);
      expect(r.out).toContain('nothing to do');
      expect(rows('target')).toBe('a,written after the restore');
    });

    test('refuses to drop a database that sessions still use, and proceeds once they are gone', async () => {
      const session = spawn(
        asRoot ? 'runuser' : 'env',
        [
          ...(asRoot ? ['-u', 'postgres', '--'] : []),
          `${BIN}/psql`,
          '-h',
          '127.0.0.1',
          '-p',
          String(ports.target),
          '-U',
          'postgres',
          '-d',
          'hcap',
          '-c',
          'SELECT pg_sleep(30)',
        ],
        { stdio: 'ignore' },
      );
      try {
        for (let i = 0; i < 50 && sql('target', 'postgres', "SELECT count(*) FROM pg_stat_activity WHERE datname = 'hcap'") === '0'; i++)
          await new Promise((res) => setTimeout(res, 100));
        const busy = script(RESTORE_SCRIPT, { SELECT: 'latest', RESTORE_MARKER: 'pgfleet:test/job-2', CONNECTIONS_WAIT_SECONDS: '0' });
        expect(busy.status).toBe(1);
        expect(busy.out).toContain('1 session(s) still use hcap');
        expect(rows('target')).toBe('a,written after the restore');
      } finally {
        session.kill();
        sql(
          'target',
          'postgres',
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'hcap' AND pid <> pg_backend_pid()",
        );
      }
      const r = script(RESTORE_SCRIPT, { SELECT: 'latest', RESTORE_MARKER: 'pgfleet:test/job-2', CONNECTIONS_WAIT_SECONDS: '5' });
      expect(r.status).toBe(0);
      expect(rows('target')).toBe('a,b');
    });

    test('loads a dump whose roles come after the data (backup-container 2.10.2 and later), into a database the generation does not have', () => {
      sql('source', 'postgres', 'CREATE DATABASE audit OWNER hcap');
      sql('source', 'audit', "SET ROLE hcap; CREATE TABLE t (v text); INSERT INTO t VALUES ('x')");
      dumpAs('audit', 'daily/2026-11-21/src-audit_2026-11-21_02-00-00.sql.gz', 'last');
      const r = script(RESTORE_SCRIPT, {
        SELECT: 'latest',
        DUMP_PREFIX: 'src-audit',
        DATABASE: 'audit',
        RESTORE_MARKER: 'pgfleet:test/audit',
      });
      expect(r.out).toContain("keeping the target's role: CREATE ROLE hcap;");
      expect(r.status).toBe(0);
      expect(rows('target', 'audit')).toBe('x');
    });

    test('upgrade: dumps the source now, into its own folder, and loads that dump', () => {
      const conf = path.join(pgdir, 'src.conf');
      fs.writeFileSync(conf, 'postgres=src:5432/hcap\n');
      const env = {
        BACKUP_CONF: conf,
        BACKUP_DIR: `${pgdir}/backups/upgrade-target/`,
        STUB_SOURCE_PORT: String(ports.source),
        RESTORE_MARKER: 'pgfleet:test/upgrade',
      };
      const r = script(UPGRADE_SCRIPT, env);
      expect(r.out).toMatch(/wrote \S+\/backups\/upgrade-target\/daily\/\S+\/src-hcap_\S+\.sql\.gz/);
      expect(r.status).toBe(0);
      expect(rows('target')).toBe('a,b,c');
      // A second run finds the mark before dumping again.
      const again = script(UPGRADE_SCRIPT, env);
      expect(again.status).toBe(0);
      expect(again.out).toContain('nothing to do');
      expect(filesUnder(path.join(pgdir, 'backups/upgrade-target'))).toEqual([expect.stringMatching(/^daily\/.*\/src-hcap_.*\.sql\.gz$/)]);
    });

    test('verification restores the newest real dump into a scratch server that has the roles already', () => {
      const r = script(VERIFY_SCRIPT, {
        DATABASE_SPECS: 'postgres=src:5432/hcap',
        MAX_AGE_MINUTES: '60',
        IN_PROGRESS_WAIT_SECONDS: '0',
        DATABASE_USER: 'hcap',
        STUB_SCRATCH_PORT: String(ports.target),
        STUB_SCRATCH_DB: 'scratch',
      });
      expect(r.out).toContain('verified: postgres=src:5432/hcap');
      expect(r.status).toBe(0);
      expect(sql('target', 'scratch', 'SELECT count(*) FROM t')).not.toBe('0');
    });
  });
});
