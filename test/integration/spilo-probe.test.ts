/**
 * The liveness probes of the real chart's StatefulSet, evaluated as the kubelet would against a
 * real Patroni (Debian's, with etcd as its DCS) held in a custom bootstrap, the phase in which
 * Spilo's clone_with_wale.py and pg_upgrade run: the chart's own probe fails the whole time
 * (`/health` answers 503), the post-rendered one passes, and fails as soon as Patroni is frozen.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { freePort, missingTools, render, tempDir } from '../helpers';
import { AS_ROOT, PG_BIN, POSTGRES_TOOLS, postgresDir } from '../real-postgres';
import { ciip, LIVE, valuesOf } from '../engines/spilo-stack';
import { helmTemplate, missingChart, type Manifest } from './spilo-helm';

const ETCD = '/usr/bin/etcd';
const PATRONI = '/usr/bin/patroni';

function missing(): string | undefined {
  const etcd = fs.existsSync(ETCD) ? undefined : `${ETCD} not found (apt-get install -y etcd-server)`;
  if (etcd && process.env.CI === 'true') throw new Error(`${etcd}: required in CI (.ci/run installs it)`);
  return [missingTools(PATRONI, ...POSTGRES_TOOLS), etcd, missingChart()].filter(Boolean).join('; ') || undefined;
}

interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** One probe as the kubelet runs it: httpGet succeeds on 200-399 within the timeout, tcpSocket on a connection. */
function probeOnce(probe: Manifest, ports: Record<number, number>, timeoutSeconds = probe.timeoutSeconds ?? 1): Promise<ProbeResult> {
  const port = ports[(probe.httpGet ?? probe.tcpSocket).port];
  return new Promise((resolve) => {
    if (probe.tcpSocket) {
      const s = net.connect({ host: '127.0.0.1', port });
      s.setTimeout(timeoutSeconds * 1000, () => (s.destroy(), resolve({ ok: false, detail: 'timeout' })));
      s.on('connect', () => (s.destroy(), resolve({ ok: true, detail: 'connected' })));
      s.on('error', (e) => resolve({ ok: false, detail: e.message }));
      return;
    }
    const req = http.get({ host: '127.0.0.1', port, path: probe.httpGet.path, timeout: timeoutSeconds * 1000 }, (res) => {
      res.resume();
      resolve({ ok: res.statusCode! >= 200 && res.statusCode! < 400, detail: String(res.statusCode) });
    });
    req.on('timeout', () => (req.destroy(), resolve({ ok: false, detail: 'timeout' })));
    req.on('error', (e) => resolve({ ok: false, detail: e.message }));
  });
}

async function patroniState(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/patroni', timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve((JSON.parse(body) as { state?: string }).state));
    });
    req.on('timeout', () => (req.destroy(), resolve(undefined)));
    req.on('error', () => resolve(undefined));
  });
}

async function until(what: string, check: () => Promise<boolean>, seconds = 60): Promise<void> {
  for (const end = Date.now() + seconds * 1000; Date.now() < end; await new Promise((r) => setTimeout(r, 250))) if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
}

const reason = missing();
(reason ? describe.skip : describe)(
  `the chart's liveness probes against a real Patroni in a long bootstrap${reason ? ` [skipped: ${reason}]` : ''}`,
  () => {
    let chartProbe: Manifest;
    let pgfleetProbe: Manifest;
    let ports: Record<number, number>;
    let dir: string;
    const children: ChildProcess[] = [];
    let patroni: ChildProcess;

    beforeAll(async () => {
      const values = valuesOf(render(ciip()), LIVE) as Record<string, unknown>;
      const container = (r: ReturnType<typeof helmTemplate>) => r.find('StatefulSet', LIVE).spec.template.spec.containers[0];
      chartProbe = container(helmTemplate(LIVE, 'wksv3k-prod', [values])).livenessProbe;
      pgfleetProbe = container(helmTemplate(LIVE, 'wksv3k-prod', [values], { postRender: true })).livenessProbe;

      dir = postgresDir('pgfleet-patroni-probe-');
      const [api, pg, etcdClient, etcdPeer] = [await freePort(), await freePort(), await freePort(), await freePort()];
      ports = { 8008: api };
      // Stands in for clone_with_wale.py: runs until the test lets it finish, then leaves a data directory.
      const bootstrap = path.join(dir, 'slow-clone.sh');
      fs.writeFileSync(
        bootstrap,
        `#!/bin/sh\nfor a in "$@"; do case $a in --datadir=*) D=\${a#--datadir=};; esac; done\n` +
          `while [ ! -e '${dir}/release' ]; do sleep 0.2; done\n${PG_BIN}/initdb -D "$D" -U postgres --auth=trust --no-sync >/dev/null\n`,
        { mode: 0o755 },
      );
      const config = path.join(dir, 'patroni.yml');
      fs.writeFileSync(
        config,
        stringify({
          scope: 'probe',
          name: `${LIVE}-0`,
          restapi: { listen: `127.0.0.1:${api}`, connect_address: `127.0.0.1:${api}` },
          etcd3: { hosts: `127.0.0.1:${etcdClient}` },
          bootstrap: { dcs: { ttl: 30, loop_wait: 2, retry_timeout: 10 }, method: 'slow_clone', slow_clone: { command: bootstrap } },
          postgresql: {
            listen: `127.0.0.1:${pg}`,
            connect_address: `127.0.0.1:${pg}`,
            data_dir: path.join(dir, 'data'),
            bin_dir: PG_BIN,
            pgpass: path.join(dir, 'pgpass'),
            authentication: { superuser: { username: 'postgres', password: 'x' }, replication: { username: 'standby', password: 'y' } },
            parameters: { unix_socket_directories: dir, fsync: 'off' },
          },
        }),
      );
      if (AS_ROOT) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
      const etcdData = tempDir('pgfleet-etcd-');
      const etcd = spawn(
        ETCD,
        [
          '--data-dir',
          etcdData,
          '--listen-client-urls',
          `http://127.0.0.1:${etcdClient}`,
          '--advertise-client-urls',
          `http://127.0.0.1:${etcdClient}`,
          '--listen-peer-urls',
          `http://127.0.0.1:${etcdPeer}`,
          '--initial-advertise-peer-urls',
          `http://127.0.0.1:${etcdPeer}`,
          '--initial-cluster',
          `default=http://127.0.0.1:${etcdPeer}`,
        ],
        { stdio: 'ignore' },
      );
      children.push(etcd);
      await until('etcd', () => probeOnce({ tcpSocket: { port: 2379 } }, { 2379: etcdClient }).then((r) => r.ok));
      const user = AS_ROOT
        ? { uid: Number(execFileSync('id', ['-u', 'postgres'])), gid: Number(execFileSync('id', ['-g', 'postgres'])) }
        : {};
      patroni = spawn(PATRONI, [config], { ...user, cwd: dir, stdio: 'ignore', env: { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' } });
      children.push(patroni);
      await until('Patroni in its custom bootstrap', async () => (await patroniState(api)) === 'running custom bootstrap script');
    });

    afterAll(async () => {
      for (const c of children.reverse()) {
        c.kill('SIGCONT');
        c.kill('SIGTERM');
        await new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)));
      }
    });

    test('while Patroni bootstraps, the chart probe fails every period and the post-rendered one passes', async () => {
      expect(chartProbe.httpGet).toEqual({ path: '/health', port: 8008 });
      expect(pgfleetProbe.httpGet).toEqual({ path: '/patroni', port: 8008 });
      for (let period = 0; period < 3; period++) {
        expect(await patroniState(ports[8008])).toBe('running custom bootstrap script');
        expect(await probeOnce(chartProbe, ports)).toEqual({ ok: false, detail: '503' });
        expect(await probeOnce(pgfleetProbe, ports)).toEqual({ ok: true, detail: '200' });
        await new Promise((r) => setTimeout(r, 1000));
      }
    });

    test('fails: a frozen Patroni fails the post-rendered probe (a TCP probe would still pass)', async () => {
      patroni.kill('SIGSTOP');
      try {
        // The kubelet waits timeoutSeconds (30); 2 s show the same.
        expect(await probeOnce(pgfleetProbe, ports, 2)).toEqual({ ok: false, detail: 'timeout' });
        expect(await probeOnce({ tcpSocket: { port: 8008 } }, ports, 2)).toEqual({ ok: true, detail: 'connected' });
      } finally {
        patroni.kill('SIGCONT');
      }
      await until('Patroni answering again', () => probeOnce(pgfleetProbe, ports, 2).then((r) => r.ok));
    });

    test('once the bootstrap is done and PostgreSQL runs, both probes pass', async () => {
      fs.writeFileSync(path.join(dir, 'release'), '');
      await until('PostgreSQL running under Patroni', () => probeOnce(chartProbe, ports).then((r) => r.ok), 90);
      expect(await patroniState(ports[8008])).toBe('running');
      expect(await probeOnce(pgfleetProbe, ports)).toEqual({ ok: true, detail: '200' });
    }, 120_000);
  },
);
