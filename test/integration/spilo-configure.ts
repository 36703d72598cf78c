/**
 * Runs Spilo 2.1-p2's real `configure_spilo.py` (pinned in ../shared/upstream, see
 * test/upstream.ts) on the environment of a container the chart rendered, as launch.sh does at
 * pod start: the image's ENV, then the StatefulSet's `env` (Secret refs as fake passwords, field
 * refs as the kubelet fills them), in a temp dir that stands in for the image's file system.
 *
 * Two things are adapted, nothing else: Spilo 2.1-p2 calls `yaml.load(text)` without a Loader,
 * which Debian's PyYAML 6 refuses (a shim passes SafeLoader), and its path constants point into
 * the image (`/home/postgres`, `/run/postgresql`, `/usr/lib/postgresql` with one fake `postgres`
 * per major that prints its version) — they point into the temp dir. `crontab` is a stand-in that
 * records the table Spilo installs. It runs as the postgres user, not root, as the container does
 * on OpenShift.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { AS_ROOT, postgresDir, runAsPostgres } from '../real-postgres';
import { missingUpstream, upstreamDir } from '../upstream';
import { missingChart, type Manifest } from './spilo-helm';

export const SPILO_UPSTREAM = 'spilo-2.1-p2' as const;

/** Debian's Python, where the packages .ci/run installs are (not a pyenv or venv python3 on PATH). */
export const PYTHON = '/usr/bin/python3';

/** Python modules configure_spilo.py imports (Debian packages in .ci/run). */
export const SPILO_PYTHON = 'import psutil, pystache, requests, six, yaml';

const SHIM = `
import os, sys
import yaml
_load = yaml.load
def load(stream, Loader=yaml.SafeLoader):
    # Spilo 2.1-p2 calls yaml.load(text); PyYAML 6 requires a Loader.
    return _load(stream, Loader=Loader)
yaml.load = load
scripts, root = sys.argv[1], sys.argv[2]
sys.path.insert(0, scripts)
import spilo_commons
spilo_commons.LIB_DIR = root + '/usr/lib/postgresql'
main = os.path.join(scripts, 'configure_spilo.py')
src = open(main).read()
assert src.count("'/run/postgresql'") == 1
src = src.replace("'/run/postgresql'", repr(root + '/run/postgresql'))
sys.argv = [main] + sys.argv[3:]
exec(compile(src, main, 'exec'), {'__name__': '__main__', '__file__': main})
`;

export interface SpiloConfiguration {
  /** The temp dir that stands for `/`. */
  readonly root: string;
  /** `$RW_DIR` (`/run` in the image). */
  readonly rw: string;
  readonly status: number | null;
  /** Spilo's log (stderr). */
  readonly log: string;
  /** The Patroni configuration it wrote (`$RW_DIR/postgres.yml`). */
  readonly patroni: Manifest;
  /** The files of an envdir under `$RW_DIR/etc/wal-e.d/` (`env`, `env-clone-<scope>`), or undefined. */
  envdir(name: string): Record<string, string> | undefined;
  /** The postgres user's crontab, as Spilo installed it. */
  readonly crontab: string;
}

/** The container's environment: literal values, Secret refs → `fake-<key>`, the namespace field ref. */
export function containerEnv(sts: Manifest, namespace: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of sts.spec.template.spec.containers[0].env as Manifest[]) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.secretKeyRef) env[e.name] = `fake-${e.valueFrom.secretKeyRef.key}`;
    else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = namespace;
    else throw new Error(`no stand-in for ${JSON.stringify(e)}`);
  }
  return env;
}

/** Runs configure_spilo.py `all` on `env` (the container's) in a fresh temp dir. */
export function configureSpilo(env: Record<string, string>, majors: readonly number[] = [12, 14]): SpiloConfiguration {
  const root = postgresDir('pgfleet-spilo-');
  const under = (p: string) => path.join(root, p);
  const rw = under('run');
  const pghome = under('home/postgres');
  for (const major of majors) {
    const bin = under(`usr/lib/postgresql/${major}/bin`);
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(bin, 'postgres'), `#!/bin/sh\necho "postgres (PostgreSQL) ${major}.9"\n`, { mode: 0o755 });
  }
  const tools = under('tools');
  fs.mkdirSync(tools);
  const crontab = under('crontab.txt');
  // `crontab -lu postgres` (none yet) and `crontab -u postgres -` (install from stdin).
  fs.writeFileSync(path.join(tools, 'crontab'), `#!/bin/sh\n[ "$1" = "-lu" ] && exit 1\ncat > '${crontab}'\n`, { mode: 0o755 });
  fs.writeFileSync(under('shim.py'), SHIM);

  const image = {
    PGHOME: pghome,
    RW_DIR: rw,
    WALE_ENV_DIR: `${rw}/etc/wal-e.d/env`,
    LOG_ENV_DIR: `${rw}/etc/log.d/env`,
    PGROOT: `${pghome}/pgdata/pgroot`,
    PGDATA: `${pghome}/pgdata/pgroot/data`,
    PGLOG: `${pghome}/pgdata/pgroot/pg_log`,
  };
  const pod = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replaceAll('/home/postgres', pghome)]));
  const all = {
    // The image puts its default major (spilo-14: 14) on PATH.
    PATH: `${tools}:/usr/bin:/bin:${under(`usr/lib/postgresql/${Math.max(...majors)}/bin`)}`,
    HOME: pghome,
    LC_ALL: 'C.UTF-8',
    // What the kubelet adds to every container, and the cloud: not GCE/AWS/OpenStack metadata.
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    SPILO_PROVIDER: 'local',
    ...image,
    ...pod,
  };
  // What launch.sh creates before it runs configure_spilo.py.
  for (const d of [all.PGLOG, all.PGDATA, `${rw}/postgresql`, `${rw}/tmp`, `${rw}/certs`]) fs.mkdirSync(d, { recursive: true });

  if (AS_ROOT) spawnSync('chown', ['-R', 'postgres:postgres', root]);
  const scripts = path.join(upstreamDir(SPILO_UPSTREAM)!, 'postgres-appliance', 'scripts');
  const r = runAsPostgres([PYTHON, under('shim.py'), scripts, root, 'all'], all, { cwd: pghome, timeoutMs: 60_000 });
  const config = path.join(rw, 'postgres.yml');
  if (!fs.existsSync(config)) throw new Error(`configure_spilo.py wrote no postgres.yml (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return {
    root,
    rw,
    status: r.status,
    log: r.stderr,
    patroni: parse(fs.readFileSync(config, 'utf8')),
    envdir(name: string) {
      const dir = path.join(rw, 'etc', 'wal-e.d', name);
      if (!fs.existsSync(dir)) return undefined;
      return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
    },
    crontab: fs.existsSync(crontab) ? fs.readFileSync(crontab, 'utf8') : '',
  };
}

/** Why configure_spilo.py cannot run here (helm, the chart, Spilo or its Python modules missing); throws in CI. */
export function missingSpilo(): string | undefined {
  const reasons = [missingChart(), missingUpstream(SPILO_UPSTREAM)].filter((r): r is string => !!r);
  if (spawnSync(PYTHON, ['-c', SPILO_PYTHON]).status !== 0) {
    const reason = `${PYTHON} with psutil, pystache, requests, six and yaml not found (apt-get install -y python3-psutil python3-pystache python3-requests python3-six python3-yaml)`;
    if (process.env.CI === 'true') throw new Error(`${reason}: required in CI (.ci/run installs them)`);
    reasons.push(reason);
  }
  return reasons.length ? reasons.join('; ') : undefined;
}

/** `describe`, or `describe.skip` with the reason in its title. */
export function describeWithSpilo(title: string, fn: () => void): void {
  const reason = missingSpilo();
  if (reason) describe.skip(`${title} [skipped: ${reason}]`, fn);
  else describe(title, fn);
}
