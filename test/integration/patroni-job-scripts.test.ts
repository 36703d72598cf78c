/**
 * The dump selection of the restore Jobs (lib/engines/patroni/scripts/select-dump.sh), exactly as
 * rendered, against fake `/backups` trees: daily and weekly folders, a database whose name extends
 * this one's, dumps being written, stray and incomplete files. psql is a stub that answers the
 * script's queries and logs what it would drop and load; the loading itself, and everything that
 * involves backup.sh, runs against the real backup-container and PostgreSQL in
 * patroni-backup-container-*.test.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { RESTORE_SCRIPT } from '../../lib/engines/patroni/job-scripts';
import { describeWithTools, tempDir } from '../helpers';

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
        DATABASE_USER: 'postgres',
        DATABASE_PASSWORD: 'pw',
        APP_USER: 'hcap',
        RESTORE_MARKER: 'pgfleet:hcap-prod/hcap-patroni-r1-restore-hcap',
        ...env,
      });
    /** The one dump the script dropped the database for and loaded. */
    const loaded = () => {
      const c = calls();
      // The staging database is dropped (if left over) and created, loaded, swapped in, the old one dropped.
      expect(c).toEqual(['drop', expect.stringMatching(/^load /), 'drop']);
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
});
