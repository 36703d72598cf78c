/**
 * Running a rendered restore drill outside Kubernetes: the script and the plain env values are
 * taken from the synthesized CronJob exactly, the Secret-fed values (keys) and the volume paths
 * (scratch, status) are supplied by the test, and the script runs with bash as the postgres user
 * (PostgreSQL refuses root), as the drill container would.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PG_BIN, postgresDir, runAsPostgres, type RunResult } from './real-postgres';
import { freePort } from './helpers';

/** A container of the drill pod by name: its script (`bash -c <script>`) and env values that are not Secret-fed. */
export function drillContainer(cronJob: Record<string, any>, name = 'restore'): { script: string; env: Record<string, string> } {
  const pod = cronJob.spec.jobTemplate.spec.template.spec;
  const c = [...(pod.initContainers ?? []), ...pod.containers].find((x: { name: string }) => x.name === name);
  if (!c) throw new Error(`no container ${name} in CronJob ${cronJob.metadata.name}`);
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return { script: c.args[0], env };
}

export interface DrillRun extends RunResult {
  /** The ConfigMap patch the recorder would apply (undefined when the drill did not pass). */
  readonly patch?: { data: Record<string, string> };
  /** What is left of the scratch volume afterwards (the drill removes its copy). */
  readonly leftover: string[];
}

/**
 * Runs a drill script with `env` plus DRILL_SCRATCH/DRILL_STATUS in fresh directories (the pod's
 * volume mounts), DRILL_PORT on a free port, and `bin` first on the PATH.
 */
export async function runDrill(script: string, env: Record<string, string>, bin: string = PG_BIN): Promise<DrillRun> {
  const root = postgresDir('pgfleet-drill-');
  const scratch = path.join(root, 'scratch');
  const status = path.join(root, 'status');
  for (const d of [scratch, status]) fs.mkdirSync(d, { mode: 0o777 });
  for (const d of [scratch, status]) fs.chmodSync(d, 0o777);
  const r = runAsPostgres(
    ['bash', '-c', script],
    {
      PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`,
      HOME: root,
      ...env,
      DRILL_SCRATCH: scratch,
      DRILL_STATUS: status,
      DRILL_PORT: String(await freePort()),
    },
    { cwd: root, timeoutMs: 300_000 },
  );
  const patchFile = path.join(status, 'patch.json');
  return {
    ...r,
    patch: fs.existsSync(patchFile) ? JSON.parse(fs.readFileSync(patchFile, 'utf8')) : undefined,
    leftover: fs.readdirSync(scratch),
  };
}

/** A local S3-compatible server (s3rver) in a child process, so tests may block on tools that talk to it. */
export interface LocalS3 {
  readonly endpoint: string;
  /** Where s3rver keeps the objects, as files (`<dir>/<bucket>/<key>._S3rver_object`). */
  readonly dir: string;
  stop(): void;
}

/** Starts s3rver on a free loopback port with the given buckets; resolves once it accepts connections. */
export async function startLocalS3(buckets: readonly string[]): Promise<LocalS3> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgfleet-s3-'));
  const port = await freePort();
  const code =
    `const S3rver = require('s3rver');` +
    `new S3rver({ port: ${port}, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(dir)}, ` +
    `configureBuckets: ${JSON.stringify(buckets.map((name) => ({ name })))} }).run().then(() => console.log('ready'));`;
  const child = spawn(process.execPath, ['-e', code], { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('s3rver did not start within 20s')), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (c) => reject(new Error(`s3rver exited (${c})`)));
  });
  return { endpoint: `http://127.0.0.1:${port}`, dir, stop: () => child.kill() };
}
