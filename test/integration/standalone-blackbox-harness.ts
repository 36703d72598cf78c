/**
 * What blackbox and pgfleet's rclone containers talk to in the cluster, stood up on loopback for
 * test/integration/standalone-blackbox.test.ts and standalone-dump-s3.test.ts: S3 regions (s3rver over TLS), the Discord
 * webhook (an HTTPS server that records what it is sent) and the application Service of the
 * PostgreSQL server (a TCP forwarder on port 5432). Each gets its own address in a random
 * 127.x.y.0/24, and nss_wrapper maps the rendered host names (`postgres.databases.svc`,
 * `eu-central-1.linodeobjects.com`, `discord.com`, ...) to them, so blackbox runs with the
 * rendered configuration file unchanged: same hosts, same ports (443, 5432), TLS verified
 * against the test's own CA (AWS_CA_BUNDLE, REQUESTS_CA_BUNDLE).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { hasTool, ROOT } from '../helpers';
import { AS_ROOT, PG_BIN, type PostgresServer, type RunResult } from '../real-postgres';
import { upstreamDir } from '../upstream';

export const NSS_WRAPPER = '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so';
/** Debian's interpreter, with the python3-* packages blackbox needs (not a pyenv or venv one). */
export const PYTHON = '/usr/bin/python3';
const MODULES = ['yaml', 'requests', 'boto3', 'loguru', 'jinja2', 'click', 'dropbox', 'googleapiclient', 'cryptography', 'dateutil'];
const APT =
  'apt-get install -y libnss-wrapper openssl python3-yaml python3-requests python3-boto3 python3-loguru python3-jinja2 python3-click python3-dropbox python3-googleapi python3-cryptography python3-dateutil';

/** Why blackbox cannot run here (undefined when it can); in CI a missing piece fails instead. */
export function missingBlackboxDeps(): string | undefined {
  const missing: string[] = [];
  if (!fs.existsSync(NSS_WRAPPER)) missing.push('libnss-wrapper');
  if (!hasTool('openssl')) missing.push('openssl');
  if (!AS_ROOT) missing.push('root (ports 443 and 5432 on loopback addresses)');
  const py = fs.existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', `import ${MODULES.join(', ')}`], { encoding: 'utf8' }) : undefined;
  if (!py || py.status !== 0) missing.push(`python3 modules (${py?.stderr.trim().split('\n').pop() ?? 'no /usr/bin/python3'})`);
  if (!missing.length) return undefined;
  const reason = `${missing.join(', ')} not found (${APT})`;
  if (process.env.CI === 'true') throw new Error(`${reason}: required in CI (.ci/run installs it)`);
  return reason;
}

/** A random 127.x.y.0/24: nothing else on the machine listens there. */
export function loopbackNet(): (host: number) => string {
  const [a, b] = [2 + Math.floor(Math.random() * 250), 2 + Math.floor(Math.random() * 250)];
  return (host) => `127.${a}.${b}.${host}`;
}

/** A self-signed certificate for `names`, its key and the PEM file clients trust. */
export function selfSignedCert(dir: string, names: readonly string[]): { key: Buffer; cert: Buffer; caFile: string } {
  const key = path.join(dir, 'tls.key');
  const caFile = path.join(dir, 'tls.crt');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'],
      ...['-subj', '/CN=pgfleet test', '-keyout', key, '-out', caFile],
      ...['-addext', `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`],
    ],
    { stdio: 'ignore' },
  );
  fs.chmodSync(caFile, 0o644);
  return { key: fs.readFileSync(key), cert: fs.readFileSync(caFile), caFile };
}

interface S3rverInstance {
  run(): Promise<unknown>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = require('s3rver') as S3rverClass;
const s3Account = require('s3rver/lib/models/account') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };

/** One stored object, as s3rver keeps it on disk. */
export interface StoredObject {
  readonly key: string;
  readonly body: Buffer;
  readonly contentEncoding?: string;
}

/** An S3 region: s3rver over TLS on `<ip>:443` with one bucket, its objects readable on disk. */
export class S3Region {
  /** Lets `accessKeyId`/`secretAccessKey` sign requests (s3rver checks SigV4 signatures). */
  public static allowKeys(accessKeyId: string, secretAccessKey: string): void {
    s3Account.DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey);
  }

  public static async start(ip: string, tls: { key: Buffer; cert: Buffer }, dir: string, bucket: string): Promise<S3Region> {
    const server = new S3rver({
      address: ip,
      port: 443,
      key: tls.key,
      cert: tls.cert,
      directory: dir,
      silent: true,
      // Path-style requests (what boto3 sends to a custom endpoint): the bucket is in the path.
      vhostBuckets: false,
      configureBuckets: [{ name: bucket }],
    });
    await server.run();
    return new S3Region(server, path.join(dir, bucket));
  }

  private constructor(
    private readonly server: S3rverInstance,
    private readonly bucketDir: string,
  ) {}

  /** Every object in the bucket, by key. */
  public objects(): StoredObject[] {
    const out: StoredObject[] = [];
    const walk = (dir: string, prefix: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
        if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}${e.name}/`);
        else if (e.name.endsWith('._S3rver_object')) {
          const file = path.join(dir, e.name);
          const meta = JSON.parse(fs.readFileSync(file.replace(/_object$/, '_metadata.json'), 'utf8')) as Record<string, string>;
          out.push({
            key: prefix + e.name.slice(0, -'._S3rver_object'.length),
            body: fs.readFileSync(file),
            contentEncoding: meta['content-encoding'],
          });
        }
      }
    };
    walk(this.bucketDir, '');
    return out;
  }

  public keys(): string[] {
    return this.objects().map((o) => o.key);
  }

  /** Stores an object as if uploaded `ageHours` ago (s3rver's LastModified is the file's mtime). */
  public put(key: string, body: string | Buffer, ageHours: number): void {
    const file = path.join(this.bucketDir, `${key}._S3rver_object`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body);
    fs.writeFileSync(file.replace(/_object$/, '_metadata.json'), JSON.stringify({ 'content-type': 'application/octet-stream' }));
    const t = new Date(Date.now() - ageHours * 3600_000);
    fs.utimesSync(file, t, t);
  }

  private stopped?: Promise<void>;

  /** Stops answering (the region is down); calling it again does nothing. */
  public stop(): Promise<void> {
    this.stopped ??= this.server.close();
    return this.stopped;
  }
}

/** The Discord webhook endpoint: HTTPS on `<ip>:443`, answering 204 and recording each POST. */
export class Webhook {
  public static start(ip: string, tls: { key: Buffer; cert: Buffer }): Promise<Webhook> {
    const hook = new Webhook();
    const server = https.createServer(tls, (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        hook.posts.push({ path: req.url ?? '', json: JSON.parse(body) });
        res.writeHead(204).end();
      });
    });
    hook.server = server;
    return new Promise((resolve) => server.listen(443, ip, () => resolve(hook)));
  }

  public readonly posts: { path: string; json: any }[] = [];
  private server?: https.Server;

  public stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

/**
 * Forwards `<ip>:5432` to a test server's port, as the Service forwards to the pod. With
 * `serverVersion` it also rewrites the server_version the server announces at startup, to play a
 * server of another major (libpq's PQserverVersion reads that parameter; pg_dumpall checks it).
 */
export class Forwarder {
  public static start(ip: string, targetPort: number): Promise<Forwarder> {
    const forwarder = new Forwarder();
    const server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.pipe(upstream);
      const version = forwarder.serverVersion;
      (version ? upstream.pipe(rewriteServerVersion(version)) : upstream).pipe(client);
    });
    forwarder.server = server;
    return new Promise((resolve) => server.listen(5432, ip, () => resolve(forwarder)));
  }

  /** The server_version new connections are told (undefined: the server's own). */
  public serverVersion?: string;
  private server?: net.Server;

  public stop(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

/** Every user table of every database with its row count and an md5 of its ordered rows, and the roles. */
export function fingerprint(server: PostgresServer): Record<string, string> {
  const out: Record<string, string> = {};
  const dbs = server.sql("select datname from pg_database where datname <> 'template0' order by 1").split('\n');
  for (const db of dbs) {
    const tables = server
      .sql(
        "select format('%I.%I', schemaname, tablename) from pg_tables where schemaname not in ('pg_catalog', 'information_schema') order by 1",
        db,
      )
      .split('\n')
      .filter(Boolean);
    for (const t of tables) {
      out[`${db}/${t}`] = server.sql(
        `select count(*) || ' ' || md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) from ${t} x`,
        db,
      );
    }
  }
  out.roles = server.sql(
    "select string_agg(rolname || ':' || rolcanlogin, ',' order by rolname) from pg_roles where rolname not like 'pg\\_%'",
  );
  return out;
}

/** A stream over the server's messages (type byte, int32 length) replacing ParameterStatus server_version. */
function rewriteServerVersion(version: string): import('node:stream').Transform {
  const { Transform } = require('node:stream') as typeof import('node:stream');
  let pending = Buffer.alloc(0);
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      pending = Buffer.concat([pending, chunk]);
      const out: Buffer[] = [];
      // The answer to SSLRequest/GSSENCRequest is one byte ('N': the test server has no TLS).
      if (first && pending.length && pending[0] === 0x4e) {
        out.push(pending.subarray(0, 1));
        pending = pending.subarray(1);
      }
      first = false;
      while (pending.length >= 5 && pending.length >= 1 + pending.readInt32BE(1)) {
        const len = pending.readInt32BE(1);
        let msg = pending.subarray(0, 1 + len);
        pending = pending.subarray(1 + len);
        if (msg[0] === 0x53 && msg.subarray(5).toString('utf8').startsWith('server_version\0')) {
          const body = Buffer.from(`server_version\0${version}\0`, 'utf8');
          const head = Buffer.alloc(5);
          head[0] = 0x53;
          head.writeInt32BE(4 + body.length, 1);
          msg = Buffer.concat([head, body]);
        }
        out.push(msg);
      }
      done(null, Buffer.concat(out));
    },
  });
}

/** Maps host names to addresses for every process started with `nssEnv` (nss_wrapper's hosts file). */
export function hostsFile(dir: string, hosts: Record<string, string>): string {
  const file = path.join(dir, 'hosts');
  fs.writeFileSync(
    file,
    Object.entries(hosts)
      .map(([name, ip]) => `${ip} ${name}\n`)
      .join(''),
    { mode: 0o644 },
  );
  return file;
}

/**
 * `runAsPostgres`, without blocking: the stand-in servers live in this process and must answer
 * while the command runs.
 */
export function runAsPostgresAsync(
  cmd: readonly string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 120_000,
): Promise<RunResult> {
  const envArgs = Object.entries({ LC_ALL: 'C.UTF-8', ...env }).map(([k, v]) => `${k}=${v}`);
  const argv = AS_ROOT ? ['runuser', '-u', 'postgres', '--', 'env', '-i', ...envArgs, ...cmd] : ['env', '-i', ...envArgs, ...cmd];
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** What the kubelet would put into a container's environment from the Secrets. */
export function containerEnv(container: Record<string, any>, secrets: Record<string, Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env as any[]) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else {
      const ref = e.valueFrom.secretKeyRef as { name: string; key: string };
      const value = secrets[ref.name]?.[ref.key];
      if (value === undefined) throw new Error(`the test has no Secret ${ref.name} key ${ref.key} for ${e.name}`);
      env[e.name] = value;
    }
  }
  return env;
}

/**
 * Runs a rendered container's script (`<shell> -c <args[0]>`) with its environment from the
 * Secrets, `overrides` (where the test's servers and directories are) and the test's plumbing.
 */
export function runContainer(
  container: Record<string, any>,
  secrets: Record<string, Record<string, string>>,
  overrides: Record<string, string>,
  plumbing: Record<string, string>,
): Promise<RunResult> {
  const [shell, flag] = container.command as string[];
  expect([shell, flag, container.args.length]).toEqual([expect.stringMatching(/^(ba)?sh$/), '-c', 1]);
  const env = { ...containerEnv(container, secrets), ...overrides, PATH: `${PG_BIN}:/usr/bin:/bin`, ...plumbing };
  return runAsPostgresAsync([shell, '-c', container.args[0] as string], env, os.tmpdir());
}

export interface BlackboxRun extends RunResult {
  /** Configuration keys the file sets (`databases.postgres.postgres.host`, `retention_days`, ...). */
  readonly set: string[];
  /** Configuration keys blackbox looked up. */
  readonly read: string[];
}

/**
 * Runs the pinned blackbox (the image's `blackbox` command, through standalone-blackbox-run.py)
 * as an unprivileged user with exactly `env` plus the test's plumbing: where Python finds
 * blackbox, the host names (nss_wrapper), the CA, and where the config file and temp files are.
 */
export async function runBlackbox(
  dir: string,
  configText: string,
  env: Record<string, string>,
  plumbing: Record<string, string>,
): Promise<BlackboxRun> {
  const config = path.join(dir, 'blackbox.yaml');
  const reads = path.join(dir, 'reads.json');
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(config, configText, { mode: 0o644 });
  fs.rmSync(reads, { force: true });
  if (AS_ROOT) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const runner = path.join(ROOT, 'test', 'integration', 'standalone-blackbox-run.py');
  const r = await runAsPostgresAsync(
    [PYTHON, runner],
    {
      ...env,
      // The rendered /blackbox/config_file/blackbox.yaml is this file (the ConfigMap's text).
      BLACKBOX_CONFIG_PATH: config,
      TMPDIR: tmp,
      PATH: `${PG_BIN}:/usr/bin:/bin`,
      PYTHONPATH: upstreamDir('blackbox-3.0.2')!,
      PYTHONDONTWRITEBYTECODE: '1',
      PGFLEET_TEST_READS: reads,
      ...plumbing,
    },
    dir,
  );
  const recorded = fs.existsSync(reads)
    ? (JSON.parse(fs.readFileSync(reads, 'utf8')) as { set: string[]; read: string[] })
    : { set: [], read: [] };
  return { ...r, ...recorded };
}
