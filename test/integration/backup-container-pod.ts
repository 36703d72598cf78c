/**
 * Runs a rendered backup-container pod against the REAL upstream scripts: the pinned
 * BCDevOps/bcgov backup-container `docker/` folder (backup.sh and its helpers) as the image's `/`,
 * the sclorg `run-postgresql` its scratch server starts with, Debian's PostgreSQL 15 client and
 * server binaries, and exactly the pod's command, environment (Secret references filled in) and
 * ConfigMap files.
 *
 * What stands in for the image, and nothing else:
 * - paths: every mount of the pod (and the image's home, /var/lib/pgsql) is a host directory; the
 *   pod's env values that are paths under a mount are rewritten to it, and the plugin's one path
 *   constant (`/var/lib/pgsql/data`) is pointed at the verification volume's directory. The
 *   image's `/` is a read-only copy, and the pod runs as the `postgres` user, so a write outside
 *   the mounts fails as on a read-only root file system.
 * - host names: `libnss_wrapper` resolves each generation's Service name to a loopback address of
 *   its own, where a throwaway server listens on 5432, the port the rendered config names.
 * - binaries the image ships that Debian does not: `cgroup-limits` (no memory limit), `go-crond`
 *   (present, never run: backup.sh only checks it exists before `-s`), `mc` (the MinIO client,
 *   as a boto3 script speaking S3 to the test's local server).
 * - the scratch server's port and socket directory (PGPORT, PGHOST and an include in
 *   `$APP_DATA/src/postgresql-cfg/`), so parallel tests do not meet on 5432.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers';
import { AS_ROOT, PG_BIN, postgresDir, runAsPostgres, type RunResult } from '../real-postgres';
import { upstreamDir } from '../upstream';

export type BackupContainerVersion = '2.3.3' | '2.13.0';
export const VERSIONS: readonly BackupContainerVersion[] = ['2.3.3', '2.13.0'];

/** Debian packages the harness needs besides PostgreSQL (for describeWithTools). */
export const POD_TOOLS = ['/usr/lib/x86_64-linux-gnu/libnss_wrapper.so', '/usr/bin/envsubst', '/usr/bin/column', '/usr/bin/python3'];
export const FAKETIME_LIB = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** Makes a tree readable by everyone and writable by no one (the image's read-only `/`). */
function readOnly(dir: string): void {
  spawnSync('chmod', ['-R', 'a+rX,a-w', dir]);
}

/** The image's `/`: backup.sh and its helpers, run-postgresql and its scripts, stand-ins. */
export class BackupContainerImage {
  /** Copies the pinned sources into `root/image-<version>/`. */
  public static prepare(version: BackupContainerVersion, root: string): BackupContainerImage {
    const dir = path.join(root, `image-${version}`);
    const verificationDir = path.join(root, 'verification-volume');
    fs.mkdirSync(path.join(dir, 'usr', 'bin'), { recursive: true });
    const docker = path.join(upstreamDir(`backup-container-${version}`)!, 'docker');
    for (const f of fs.readdirSync(docker)) {
      if (!f.startsWith('backup.') && f !== 'webhook-template.json') continue;
      let text = fs.readFileSync(path.join(docker, f), 'utf8');
      // The plugin's one path constant: the scratch server's data directory (the verification volume).
      if (f === 'backup.postgres.plugin')
        text = text.replace('export serverDataDirectory="/var/lib/pgsql/data"', `export serverDataDirectory="${verificationDir}"`);
      fs.writeFileSync(path.join(dir, f), text, { mode: f === 'backup.sh' ? 0o755 : 0o644 });
    }
    const sclorg = path.join(upstreamDir('sclorg-postgresql-container-804ef01')!, 'src', 'root', 'usr');
    fs.cpSync(path.join(sclorg, 'bin', 'run-postgresql'), path.join(dir, 'usr', 'bin', 'run-postgresql'));
    const scripts = path.join(dir, 'usr', 'share', 'container-scripts', 'postgresql');
    fs.cpSync(path.join(sclorg, 'share', 'container-scripts', 'postgresql'), scripts, { recursive: true });
    // The built image has the distgen markers expanded away.
    const common = path.join(scripts, 'common.sh');
    fs.writeFileSync(
      common,
      fs
        .readFileSync(common, 'utf8')
        .split('\n')
        .filter((l) => !/^\{% (end)?raw %\}$/.test(l))
        .join('\n'),
    );
    const stand = path.join(dir, 'stand-ins');
    fs.mkdirSync(stand);
    fs.writeFileSync(path.join(stand, 'cgroup-limits'), '#!/bin/sh\necho NO_MEMORY_LIMIT=true\n', { mode: 0o755 });
    fs.writeFileSync(path.join(stand, 'go-crond'), '#!/bin/sh\necho "go-crond stand-in: never run by pgfleet\'s Jobs" >&2\nexit 1\n', {
      mode: 0o755,
    });
    fs.copyFileSync(path.join(__dirname, 'mc-stand-in.py'), path.join(stand, 'mc'));
    fs.chmodSync(path.join(stand, 'mc'), 0o755);
    fs.chmodSync(path.join(dir, 'usr', 'bin', 'run-postgresql'), 0o755);
    readOnly(dir);
    return new BackupContainerImage(version, dir, verificationDir);
  }

  private constructor(
    public readonly version: BackupContainerVersion,
    /** The image's `/`. */
    public readonly dir: string,
    /** Where the plugin's `/var/lib/pgsql/data` points: a pod's verification volume is mounted here. */
    public readonly verificationDir: string,
  ) {}
}

export interface PodRunOptions {
  /** Host directory of each PersistentVolumeClaim, by claim name. */
  readonly claims: Record<string, string>;
  /** ConfigMaps' data, by name (the rendered objects). */
  readonly configMaps: Record<string, Record<string, string>>;
  /** Secrets' data, by name. */
  readonly secrets: Record<string, Record<string, string>>;
  /** Host name → loopback address. */
  readonly hosts: Record<string, string>;
  /** `date` tells this wall clock (libfaketime, `YYYY-MM-DD hh:mm:ss`). @default - now */
  readonly fakeTime?: string;
  /** Extra environment of the test (never of the pod). @default {} */
  readonly env?: Record<string, string>;
}

export interface PodRun extends RunResult {
  readonly out: string;
  /** Host directory of a path inside the pod. */
  readonly host: (p: string) => string;
}

/** The pod spec of a Job, CronJob or pod template. */
export function podSpecOf(manifest: Record<string, any>): Record<string, any> {
  return manifest.kind === 'CronJob' ? manifest.spec.jobTemplate.spec.template.spec : manifest.spec.template.spec;
}

/** Runs the pod's one container to completion. */
export function runPod(image: BackupContainerImage, manifest: Record<string, any>, options: PodRunOptions): PodRun {
  const pod = podSpecOf(manifest);
  const container = pod.containers[0];
  const scratch = postgresDir('pgfleet-pod-');
  const mounts = new Map<string, string>();
  for (const m of container.volumeMounts as { name: string; mountPath: string }[]) {
    const v = (pod.volumes as Record<string, any>[]).find((x) => x.name === m.name)!;
    const at = m.mountPath.replace(/\/$/, '');
    let dir: string;
    if (v.persistentVolumeClaim) {
      dir = options.claims[v.persistentVolumeClaim.claimName];
      if (!dir) throw new Error(`no host directory for claim ${v.persistentVolumeClaim.claimName}`);
    } else if (v.configMap) {
      dir = path.join(scratch, `config-${m.name}`);
      fs.mkdirSync(dir);
      const data = options.configMaps[v.configMap.name];
      for (const item of v.configMap.items as { key: string; path: string }[]) fs.writeFileSync(path.join(dir, item.path), data[item.key]);
      readOnly(dir);
    } else {
      dir = path.join(scratch, `empty-${m.name}`);
      fs.mkdirSync(dir);
    }
    if (at === '/var/lib/pgsql/data') {
      // The plugin's constant points at image.verificationDir: mount the claim there.
      fs.rmSync(image.verificationDir, { recursive: true, force: true });
      fs.symlinkSync(dir, image.verificationDir);
    }
    mounts.set(at, dir);
  }
  // The image's home; on the verification pod (no mount) it lies on the writable root file system.
  if (!mounts.has('/var/lib/pgsql')) {
    const home = path.join(scratch, 'home');
    fs.mkdirSync(home);
    if (mounts.has('/var/lib/pgsql/data')) fs.symlinkSync(mounts.get('/var/lib/pgsql/data')!, path.join(home, 'data'));
    mounts.set('/var/lib/pgsql', home);
  }
  const host = (p: string): string => {
    let best = '';
    for (const m of mounts.keys()) if ((p === m || p.startsWith(`${m}/`)) && m.length > best.length) best = m;
    return best ? mounts.get(best)! + p.slice(best.length) : p;
  };

  // Simulated nights: `date`, which backup.sh names folders and files by and picks daily, weekly or
  // monthly with, runs under libfaketime; everything else keeps the real clock.
  let clock: string | undefined;
  if (options.fakeTime) {
    clock = path.join(scratch, 'clock');
    fs.mkdirSync(clock);
    fs.writeFileSync(
      path.join(clock, 'date'),
      `#!/bin/sh\nLD_PRELOAD="${FAKETIME_LIB} $LD_PRELOAD" FAKETIME="@${options.fakeTime}" exec /bin/date "$@"\n`,
      { mode: 0o755 },
    );
  }
  const hostsFile = path.join(scratch, 'hosts');
  fs.writeFileSync(
    hostsFile,
    Object.entries(options.hosts)
      .map(([n, ip]) => `${ip} ${n}\n`)
      .join(''),
  );
  const appData = path.join(scratch, 'app-root');
  fs.mkdirSync(path.join(appData, 'src', 'postgresql-cfg'), { recursive: true });
  fs.writeFileSync(path.join(appData, 'src', 'postgresql-cfg', 'pgfleet-test.conf'), `unix_socket_directories = '${host('/tmp')}'\n`);
  if (AS_ROOT) spawnSync('chown', ['-R', 'postgres:postgres', scratch, ...[...mounts.values()]]);

  const env: Record<string, string> = {
    // The sclorg image's environment.
    HOME: host('/var/lib/pgsql'),
    PGUSER: 'postgres',
    APP_DATA: appData,
    CONTAINER_SCRIPTS_PATH: path.join(image.dir, 'usr', 'share', 'container-scripts', 'postgresql'),
    TZ: 'PST8PDT',
    PATH: [
      ...(clock ? [clock] : []),
      path.join(image.dir, 'usr', 'bin'),
      path.join(image.dir, 'stand-ins'),
      PG_BIN,
      '/usr/bin',
      '/bin',
    ].join(':'),
    TMPDIR: host('/tmp'),
    // The scratch server's port and socket (the image's default is 5432 and /var/run/postgresql).
    PGPORT: String(20000 + Math.floor(Math.random() * 10000)),
    PGHOST: host('/tmp'),
    LD_PRELOAD: 'libnss_wrapper.so',
    NSS_WRAPPER_HOSTS: hostsFile,
    BACKUP_SH: path.join(image.dir, 'backup.sh'),
    POLL_SECONDS: '1',
  };
  for (const e of container.env as Record<string, any>[]) {
    if (e.value !== undefined) env[e.name] = e.value.startsWith('/') ? host(e.value) : e.value;
    else {
      const ref = e.valueFrom.secretKeyRef;
      const value = options.secrets[ref.name]?.[ref.key];
      if (value === undefined) throw new Error(`no value for ${e.name} (Secret ${ref.name}, key ${ref.key})`);
      env[e.name] = value;
    }
  }
  Object.assign(env, options.env ?? {});
  const [cmd, ...args] = container.command as string[];
  const r = runAsPostgres([cmd, ...args], env, {
    cwd: container.workingDir === '/' ? image.dir : host(container.workingDir),
    timeoutMs: 300_000,
  });
  return { ...r, out: `${r.stdout}${r.stderr}`, host };
}

/** A directory the pods may write (a volume), owned by the postgres user. */
export function volumeDir(prefix: string): string {
  const dir = tempDir(prefix);
  fs.chmodSync(dir, 0o755);
  if (AS_ROOT) spawnSync('chown', ['postgres:postgres', dir]);
  return dir;
}

/** Every file under a directory, relative to it, sorted. */
export function filesUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile()).sort();
}
