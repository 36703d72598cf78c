/**
 * Proof against real PostgreSQL: the dump and import scripts are taken from the synthesized Jobs
 * (the `args` text, exactly) and run with bash against throwaway Debian PostgreSQL 15 clusters
 * on loopback: libpq's PGHOST/PGPORT/PGUSER/PGPASSWORD and DUMP_DIR point them at the clusters
 * instead of the in-cluster Services, nothing else changes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeWithTools, find, render, tempDir, freePort } from '../helpers';
import { pydis, restoring, upgrading } from '../engines/standalone-stack';

const BIN = '/usr/lib/postgresql/15/bin';
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const SUPERUSER = 'pythondiscord';
const PASSWORD = 'it-is-only-a-test';
/** How every pg_dumpall output ends (printf text). */
const CLOSING = '--\\n-- PostgreSQL database cluster dump complete\\n--\\n';

/** Runs a command as the postgres OS user (PostgreSQL refuses root), with exactly `env`. */
function run(cmd: string[], env: Record<string, string> = {}, input?: string) {
  const base = { PATH: `${BIN}:/usr/bin:/bin`, LC_ALL: 'C.UTF-8', ...env };
  const envArgs = Object.entries(base).map(([k, v]) => `${k}=${v}`);
  const argv = asRoot ? ['runuser', '-u', 'postgres', '--', 'env', '-i', ...envArgs, ...cmd] : ['env', '-i', ...envArgs, ...cmd];
  // A working directory the postgres user can enter, wherever the checkout lives.
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', input, timeout: 60_000, cwd: os.tmpdir() });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function ok(r: { status: number | null; stdout: string; stderr: string }, what: string) {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A throwaway cluster: superuser with a password over TCP (scram), trust on its own socket only. */
class Cluster {
  public port = 0;
  constructor(public readonly dir: string) {}

  async start(root: string): Promise<void> {
    this.port = await freePort();
    const pw = path.join(root, 'pwfile');
    ok(
      run([
        `${BIN}/initdb`,
        '-D',
        this.dir,
        '-U',
        SUPERUSER,
        `--pwfile=${pw}`,
        '--auth-host=scram-sha-256',
        '--auth-local=trust',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      ]),
      'initdb',
    );
    ok(
      run([
        `${BIN}/pg_ctl`,
        '-D',
        this.dir,
        '-w',
        '-l',
        `${this.dir}.log`,
        '-o',
        `-p ${this.port} -k ${root} -c listen_addresses=127.0.0.1`,
        'start',
      ]),
      'pg_ctl start',
    );
  }

  stop(): void {
    run([`${BIN}/pg_ctl`, '-D', this.dir, '-m', 'immediate', 'stop']);
  }

  /** libpq environment for the scripts: TCP with the password, as in the cluster. */
  libpq(): Record<string, string> {
    return { PGHOST: '127.0.0.1', PGPORT: String(this.port), PGUSER: SUPERUSER, PGPASSWORD: PASSWORD };
  }

  sql(db: string, sql: string): string {
    return ok(run(['psql', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql], this.libpq()), `psql ${db}: ${sql}`).trim();
  }

  /** Every user table of every database with its row count and an md5 of its ordered rows; plus roles. */
  fingerprint(): Record<string, string> {
    const out: Record<string, string> = {};
    const dbs = this.sql('postgres', "select datname from pg_database where datname not in ('template0') order by 1").split('\n');
    for (const db of dbs) {
      const tables = this.sql(
        db,
        "select format('%I.%I', schemaname, tablename) from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1",
      )
        .split('\n')
        .filter(Boolean);
      for (const t of tables)
        out[`${db}/${t}`] = this.sql(
          db,
          `select count(*) || ' ' || md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) from ${t} x`,
        );
    }
    out.roles = this.sql(
      'postgres',
      "select string_agg(rolname || ':' || rolcanlogin || ':' || rolsuper, ',' order by rolname) from pg_roles where rolname not like 'pg\\_%'",
    );
    out.databases = dbs.join(',');
    out.sequence = this.sql('site', 'select last_value from web.tags_id_seq');
    return out;
  }
}

/** The script and the env values of a Job's (or CronJob's) container, as synthesized. */
function container(c: Record<string, any>): { script: string; env: Record<string, string> } {
  expect(c.command).toEqual(['bash', '-c']);
  const env = Object.fromEntries((c.env as any[]).filter((e) => e.value !== undefined).map((e) => [e.name, String(e.value)]));
  return { script: c.args[0] as string, env };
}

describeWithTools([`${BIN}/initdb`, 'sha512sum', 'gzip'], 'standalone dump/import scripts against real PostgreSQL 15', () => {
  let root: string;
  const clusters: Cluster[] = [];
  let source: Cluster;
  let target: Cluster;
  let restored: Cluster;

  // The exact Jobs pgfleet synthesizes for an upgrade, a nightly dump and a restore.
  const upgrade = render(upgrading());
  const dumpJob = container(find(upgrade, 'Job', 'postgres-17-dump').spec.template.spec.containers[0]);
  const importJob = container(find(upgrade, 'Job', 'postgres-17-import').spec.template.spec.containers[0]);
  const restore = render(restoring());
  const nightly = container(find(restore, 'CronJob', 'postgres-backup').spec.jobTemplate.spec.template.spec.containers[0]);
  const restoreJob = container(find(restore, 'Job', 'postgres-restored-restore').spec.template.spec.containers[0]);

  /** Runs a synthesized script with its own env, pointed at a local cluster and directory. */
  const runScript = (
    job: { script: string; env: Record<string, string> },
    cluster: Cluster,
    dir: string,
    extra: Record<string, string> = {},
  ) => run(['bash', '-c', job.script], { ...job.env, ...cluster.libpq(), DUMP_DIR: dir, WAIT_SECONDS: '30', ...extra });

  beforeAll(async () => {
    root = tempDir('pgfleet-standalone-');
    fs.writeFileSync(path.join(root, 'pwfile'), `${PASSWORD}\n`);
    for (const d of ['dump', 'backups']) fs.mkdirSync(path.join(root, d));
    if (asRoot) ok({ ...spawnSync('chown', ['-R', 'postgres:', root], { encoding: 'utf8' }) } as any, 'chown');
    source = new Cluster(path.join(root, 'source'));
    target = new Cluster(path.join(root, 'target'));
    restored = new Cluster(path.join(root, 'restored'));
    for (const c of [source, target, restored]) {
      clusters.push(c);
      await c.start(root);
    }
    // A small pydis-like server: an application role and database, schemas, a sequence, a view,
    // non-ASCII text, and a row whose text is exactly the statement the import filters out.
    source.sql('postgres', "create role site login password 'site-pw'");
    source.sql('postgres', 'create database site owner site');
    source.sql('postgres', 'create role readonly nologin');
    source.sql(
      'site',
      `
      create schema web authorization site;
      create table web.tags (id serial primary key, name text not null unique, created timestamptz not null default now());
      insert into web.tags (name) select 'tag-' || g from generate_series(1, 5000) g;
      insert into web.tags (name) values ('zürich ☃'), ('line
break');
      create table web.notes (tag_id int references web.tags(id), body text);
      insert into web.notes select g, repeat('x', g % 97) from generate_series(1, 3000) g;
      create view web.tag_count as select count(*) from web.tags;
      alter table web.tags owner to site; alter table web.notes owner to site;
      grant select on all tables in schema web to readonly;`,
    );
    source.sql(
      'postgres',
      `create table public.snippets (body text); insert into public.snippets values ('CREATE ROLE ${SUPERUSER};'), ('plain')`,
    );
  }, 120_000);

  afterAll(() => {
    for (const c of clusters) c.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('upgrade: the dump Job writes the gzip and its sha512; the import Job verifies and imports it identically', () => {
    const dir = path.join(root, 'dump');
    const dumped = runScript(dumpJob, source, dir);
    expect(dumped.status).toBe(0);
    const file = path.join(dir, dumpJob.env.DUMP_FILE);
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.readdirSync(dir).sort()).toEqual(['postgres.sql.gz', 'postgres.sql.gz.sha512']);
    // The recorded checksum is sha512sum's of the .gz, in sha512sum -c format.
    const sum = createHash('sha512').update(fs.readFileSync(file)).digest('hex');
    expect(fs.readFileSync(`${file}.sha512`, 'utf8')).toBe(`${sum}  postgres.sql.gz\n`);
    expect(ok(run(['bash', '-c', `cd ${dir} && sha512sum --check --strict postgres.sql.gz.sha512`]), 'sha512sum -c')).toContain('OK');
    expect(dumped.stdout).toMatch(/pgfleet: wrote .*postgres\.sql\.gz \(\d+ bytes\) sha512 [0-9a-f]{128}/);

    const imported = runScript(importJob, target, dir);
    expect(imported.stderr).toBe('');
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain('pgfleet: sha512 of postgres.sql.gz verified');
    const a = source.fingerprint();
    const b = target.fingerprint();
    expect(Object.keys(a)).toEqual(expect.arrayContaining(['site/web.tags', 'site/web.notes', 'postgres/public.snippets']));
    expect(a['site/web.tags'].startsWith('5002 ')).toBe(true);
    expect(b).toEqual(a);
    // The role the server's initdb created kept working, and the application's login came across.
    expect(
      ok(
        run(['psql', '-XAtq', '-d', 'site', '-c', 'select current_user'], { ...target.libpq(), PGUSER: 'site', PGPASSWORD: 'site-pw' }),
        'login as site',
      ).trim(),
    ).toBe('site');
  });

  test('the import refuses a server that is not empty (a Job run twice imports nothing)', () => {
    const again = runScript(importJob, target, path.join(root, 'dump'));
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('REFUSING TO IMPORT into 127.0.0.1: the server is not empty (databases: site');
  });

  test('restore: a corrupted nightly dump is refused before anything reaches the server', () => {
    const dir = path.join(root, 'backups', 'postgres');
    const nightlyRun = runScript(nightly, source, dir);
    expect(nightlyRun.status).toBe(0);
    const [dump] = fs.readdirSync(dir).filter((f) => f.endsWith('.sql.gz'));
    expect(dump).toMatch(/^postgres-\d{8}T\d{6}Z\.sql\.gz$/);
    // Flip one byte in the middle of the dump.
    const bytes = fs.readFileSync(path.join(dir, dump));
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(path.join(dir, dump), bytes);

    const refused = runScript(restoreJob, restored, dir);
    expect(restoreJob.env.DUMP_FILE).toBeUndefined();
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(`pgfleet: REFUSING TO IMPORT ${dump}: its sha512 is`);
    // Nothing imported: the server still holds only its initial databases and no table.
    expect(restored.sql('postgres', "select string_agg(datname, ',' order by datname) from pg_database")).toBe(
      'postgres,template0,template1',
    );
    expect(restored.sql('postgres', "select count(*) from pg_tables where schemaname = 'public'")).toBe('0');

    // A tampered dump that is still valid gzip (one row changed, recompressed): only the sha512 catches it.
    const original = path.join(root, 'dump', 'postgres.sql.gz');
    const changedLines = ok(
      run([
        'bash',
        '-c',
        `set -o pipefail; cd ${dir} && rm ${dump} && gzip -dc < ${original} | sed 's/\ttag-17\t/\ttag-71\t/' | gzip -c > ${dump} && diff <(gzip -dc < ${original}) <(gzip -dc < ${dump}) | grep -c '^>' || true`,
      ]),
      'tamper',
    );
    expect(changedLines.trim()).toBe('1');
    const tampered = runScript(restoreJob, restored, dir);
    expect(tampered.status).not.toBe(0);
    expect(tampered.stderr).toContain(`pgfleet: REFUSING TO IMPORT ${dump}: its sha512 is`);
    expect(restored.sql('postgres', "select string_agg(datname, ',' order by datname) from pg_database")).toBe(
      'postgres,template0,template1',
    );
    fs.rmSync(path.join(dir, dump));
    fs.rmSync(path.join(dir, `${dump}.sha512`));
  });

  test('an SQL error in a dump with a valid checksum fails the import loudly', () => {
    const dir = path.join(root, 'broken');
    ok(run(['mkdir', '-p', dir]), 'mkdir');
    ok(
      run([
        'bash',
        '-c',
        `cd ${dir} && printf 'SELEC 1;\\nCREATE TABLE public.after_error (x int);\\n${CLOSING}' | gzip -c > bad.sql.gz && sha512sum bad.sql.gz > bad.sql.gz.sha512`,
      ]),
      'bad dump',
    );
    const failed = runScript(restoreJob, restored, dir, { DUMP_FILE: 'bad.sql.gz' });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/ERROR: {2}syntax error at or near "SELEC"/);
    expect(restored.sql('postgres', "select count(*) from pg_tables where tablename = 'after_error'")).toBe('0');
  });

  test("a cut-off dump with a valid checksum and valid gzip is refused: it lacks pg_dumpall's closing comment", () => {
    const dir = path.join(root, 'cut');
    ok(run(['mkdir', '-p', dir]), 'mkdir');
    // The first half of a real dump, recompressed and checksummed: everything but its end is right.
    ok(
      run([
        'bash',
        '-c',
        `set -o pipefail; cd ${dir} && gzip -dc < ${path.join(root, 'dump', 'postgres.sql.gz')} | sed -n '1,200p' | gzip -c > cut.sql.gz && sha512sum cut.sql.gz > cut.sql.gz.sha512`,
      ]),
      'cut dump',
    );
    const refused = runScript(restoreJob, restored, dir, { DUMP_FILE: 'cut.sql.gz' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toBe(
      "pgfleet: REFUSING TO IMPORT cut.sql.gz: it does not end with pg_dumpall's closing comment (a cut-off dump, or not made by pg_dumpall)\n",
    );
    expect(restored.sql('postgres', "select string_agg(datname, ',' order by datname) from pg_database")).toBe(
      'postgres,template0,template1',
    );
  });

  test('restore latest: the newest nightly dump of the source, verified and imported', () => {
    const dir = path.join(root, 'backups', 'postgres');
    expect(runScript(nightly, source, dir).status).toBe(0);
    const ok2 = runScript(restoreJob, restored, dir);
    expect(ok2.stderr).toBe('');
    expect(ok2.status).toBe(0);
    expect(restored.fingerprint()).toEqual(source.fingerprint());
  });

  test('the rendered postgresql.conf of pydis-prod is accepted by PostgreSQL', () => {
    const conf = find(render(pydis('prod')), 'ConfigMap', 'postgres-config').data['postgresql.conf'] as string;
    const file = path.join(root, 'postgresql.conf');
    fs.writeFileSync(file, conf);
    fs.chmodSync(file, 0o644);
    const r = run([`${BIN}/postgres`, '-D', source.dir, '-c', `config_file=${file}`, '-C', 'max_connections']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('110');
    expect(run([`${BIN}/postgres`, '-D', source.dir, '-c', `config_file=${file}`, '-C', 'listen_addresses']).stdout.trim()).toBe('*');
  });
});
