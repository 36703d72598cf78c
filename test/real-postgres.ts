/**
 * Throwaway PostgreSQL servers from Debian's packages for real-tool tests. Each runs as the
 * `postgres` OS user when the tests run as root (PostgreSQL refuses root), in a directory of its
 * own under the system temp dir, with a working directory that user can enter wherever the
 * checkout lives. Scripts under test get the libpq environment of a server, as a Pod would.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, tempDir } from './helpers';

/** Debian 12's PostgreSQL. */
export const PG_BIN = '/usr/lib/postgresql/15/bin';
export const AS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** Tools a suite needs to start servers (see `describeWithTools`). */
export const POSTGRES_TOOLS = [`${PG_BIN}/initdb`, `${PG_BIN}/pg_ctl`, ...(AS_ROOT ? ['runuser'] : [])];

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command as the user PostgreSQL runs as (root → postgres), with exactly `env` plus PATH
 * and a C.UTF-8 locale, in `cwd` (default: the system temp dir).
 */
export function runAsPostgres(
  cmd: readonly string[],
  env: Record<string, string> = {},
  options: { input?: string; cwd?: string; timeoutMs?: number } = {},
): RunResult {
  const base = { PATH: `${PG_BIN}:/usr/local/bin:/usr/bin:/bin`, LC_ALL: 'C.UTF-8', ...env };
  const envArgs = Object.entries(base).map(([k, v]) => `${k}=${v}`);
  const argv = AS_ROOT ? ['runuser', '-u', 'postgres', '--', 'env', '-i', ...envArgs, ...cmd] : ['env', '-i', ...envArgs, ...cmd];
  const r = spawnSync(argv[0], argv.slice(1), {
    encoding: 'utf8',
    input: options.input,
    timeout: options.timeoutMs ?? 120_000,
    cwd: options.cwd ?? os.tmpdir(),
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `r.stdout`, or an error with everything the command printed. */
export function ok(r: RunResult, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A directory the postgres user owns (when running as root). */
export function postgresDir(prefix = 'pgfleet-pg-'): string {
  const dir = tempDir(prefix);
  fs.chmodSync(dir, 0o755);
  if (AS_ROOT) spawnSync('chown', ['-R', 'postgres:postgres', dir]);
  return dir;
}

export interface PostgresServerOptions {
  /** Superuser name. @default postgres */
  readonly superuser?: string;
  /** Superuser password for TCP connections (scram). @default - trust everywhere */
  readonly password?: string;
  /** Extra `-c name=value` settings (e.g. `listen_addresses`). @default {} */
  readonly settings?: Record<string, string>;
  /**
   * The port, e.g. 5432 on an address of its own in 127.0.0.0/8 (`settings.listen_addresses`), for
   * a client that connects where rendered config says. @default - a free port
   */
  readonly port?: number;
}

/** One running server: its port, socket directory and data directory. */
export class PostgresServer {
  /** Starts a fresh cluster (initdb) on a free loopback port. */
  public static async start(options: PostgresServerOptions = {}): Promise<PostgresServer> {
    const root = postgresDir();
    const server = new PostgresServer(root, options.port ?? (await freePort()), options.superuser ?? 'postgres', options.password);
    const auth = options.password
      ? ['--auth-host=scram-sha-256', '--auth-local=trust', `--pwfile=${path.join(root, 'pwfile')}`]
      : ['--auth=trust'];
    if (options.password) fs.writeFileSync(path.join(root, 'pwfile'), `${options.password}\n`, { mode: 0o644 });
    ok(
      runAsPostgres([
        `${PG_BIN}/initdb`,
        '-D',
        server.data,
        '-U',
        server.superuser,
        ...auth,
        '--encoding=UTF8',
        '--locale=C.UTF-8',
        '--no-sync',
      ]),
      'initdb',
    );
    const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: root, fsync: 'off', ...options.settings };
    const opts = [`-p ${server.port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
    ok(
      runAsPostgres([`${PG_BIN}/pg_ctl`, 'start', '-w', '-t', '60', '-D', server.data, '-l', `${server.data}.log`, '-o', opts]),
      'pg_ctl start',
    );
    return server;
  }

  public readonly data: string;

  private constructor(
    /** A directory the postgres user owns: the data directory and socket live here. */
    public readonly root: string,
    public readonly port: number,
    public readonly superuser: string,
    private readonly password: string | undefined,
  ) {
    this.data = path.join(root, 'data');
  }

  /** libpq environment for a client over TCP, as a Pod would connect. */
  public libpq(database = 'postgres'): Record<string, string> {
    return {
      PGHOST: '127.0.0.1',
      PGPORT: String(this.port),
      PGUSER: this.superuser,
      PGDATABASE: database,
      ...(this.password ? { PGPASSWORD: this.password } : {}),
    };
  }

  /** Runs SQL (`-Atc`, stop on error) over the local socket; returns trimmed output. */
  public sql(text: string, database = 'postgres'): string {
    return ok(
      runAsPostgres([
        `${PG_BIN}/psql`,
        '-h',
        this.root,
        '-p',
        String(this.port),
        '-U',
        this.superuser,
        '-d',
        database,
        '-v',
        'ON_ERROR_STOP=1',
        '-Atc',
        text,
      ]),
      `psql ${text.slice(0, 60)}`,
    ).trim();
  }

  public stop(): void {
    runAsPostgres([`${PG_BIN}/pg_ctl`, 'stop', '-m', 'immediate', '-w', '-D', this.data]);
  }
}
