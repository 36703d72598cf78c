/**
 * The consumers' DATABASE_URL, as External Secrets renders pgfleet's templates, against real
 * PostgreSQL 15 servers with psql: a Spilo server configured with the pg_hba and self-signed
 * certificate that Spilo 2.1-p2's configure_spilo.py writes (every connection without TLS
 * rejected), the same kind of TLS-only server for the operators that publish a `uri`
 * (CloudNativePG, PGO), and a server without TLS for the Patroni image and the postgres image.
 * Each URL connects as rendered (only the address is pointed at the test server, with libpq's
 * `hostaddr`/`port`, so the host name stays the Service's), and the failure a driver's own
 * default would meet is shown beside it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { find, loadStack, render, ROOT, tempDir } from '../helpers';
import { renderStack } from '../../lib/outputs/render-stack';
import { AS_ROOT, PG_BIN, postgresDir, PostgresServer } from '../real-postgres';
import { ciip, LIVE, valuesOf } from '../engines/spilo-stack';
import { pydis } from '../engines/standalone-stack';
import { helmTemplate } from './spilo-helm';
import { configureSpilo, containerEnv, describeWithSpilo } from './spilo-configure';

/** A password that needs every kind of escaping a URL has (space, @, :, /, ?, %, +, #). */
const PASSWORD = 'p@ss w:rd/?%+#1';

/** Go's url.QueryEscape (text/template's `urlquery`): all but A-Z a-z 0-9 -_.~ as %XX, space as +. */
function goQueryEscape(v: string): string {
  return [...Buffer.from(v, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
      return c === ' ' ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/**
 * An ESO v2 template as External Secrets evaluates it, for the functions pgfleet's templates use
 * (`urlquery`, sprig's `replace`); anything else fails the test.
 */
function evaluate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{\s*\.(\w+)((?:\s*\|[^|}]+)*)\s*\}\}/g, (_m, name: string, pipeline: string) => {
    let v = vars[name];
    if (v === undefined) throw new Error(`template reads .${name}, which the ExternalSecret does not fetch`);
    for (const step of pipeline
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const replace = /^replace "([^"]*)" "([^"]*)"$/.exec(step);
      if (step === 'urlquery') v = goQueryEscape(v);
      else if (replace) v = v.split(replace[1]).join(replace[2]);
      else throw new Error(`no stand-in for template function ${step}`);
    }
    return v;
  });
}

/** psql with exactly this URL (a fresh HOME: no pgpass, no root.crt), printing whether the session has TLS. */
function psql(url: string): { status: number | null; out: string; err: string } {
  const home = tempDir('pgfleet-psql-');
  const r = spawnSync(`${PG_BIN}/psql`, [url, '-XAtc', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: home, LC_ALL: 'C.UTF-8' },
    timeout: 30_000,
  });
  return { status: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** The URL with its address pointed at `server` (libpq: later parameters win; the host name stays for TLS). */
const at = (url: string, server: PostgresServer) => `${url}&hostaddr=127.0.0.1&port=${server.port}`;

/** A server with `hba` as its pg_hba.conf and, when given, TLS with this certificate and key. */
async function server(hba: readonly string[], tls?: { cert: string; key: string }): Promise<PostgresServer> {
  const conf = postgresDir('pgfleet-hba-');
  const files = { hba: path.join(conf, 'pg_hba.conf'), cert: path.join(conf, 'server.crt'), key: path.join(conf, 'server.key') };
  fs.writeFileSync(files.hba, `${hba.join('\n')}\n`);
  if (tls) {
    fs.copyFileSync(tls.cert, files.cert);
    fs.copyFileSync(tls.key, files.key);
    fs.chmodSync(files.key, 0o600);
  }
  if (AS_ROOT) spawnSync('chown', ['-R', 'postgres:postgres', conf]);
  const ssl: Record<string, string> = tls ? { ssl: 'on', ssl_cert_file: files.cert, ssl_key_file: files.key } : { ssl: 'off' };
  return PostgresServer.start({ password: 'superuser-secret', settings: { hba_file: files.hba, ...ssl } });
}

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;

describeWithSpilo('consumer URLs against real PostgreSQL 15 (psql)', () => {
  const servers: PostgresServer[] = [];
  let spiloServer: PostgresServer;
  let tlsServer: PostgresServer;
  let plainServer: PostgresServer;
  let cert: { cert: string; key: string };

  beforeAll(async () => {
    const values = valuesOf(render(ciip()), LIVE);
    const sts = helmTemplate(LIVE, 'wksv3k-prod', [values as Record<string, unknown>], { postRender: true }).find('StatefulSet', LIVE);
    const spilo = configureSpilo(containerEnv(sts, 'wksv3k-prod'));
    const p = spilo.patroni.postgresql;
    cert = { cert: p.parameters.ssl_cert_file, key: p.parameters.ssl_key_file };
    // Spilo's own pg_hba, in its order. Its two loopback lines admit the pod's own clients without
    // TLS; the test's client stands in for a consumer in another pod, so they name TEST-NET instead.
    const hba = (p.pg_hba as string[]).map((l) => l.replace('127.0.0.1/32', '192.0.2.1/32').replace('::1/128', '2001:db8::1/128'));
    expect(hba).toContain('hostnossl all           all                all                reject');
    spiloServer = await server(hba, cert);
    spiloServer.sql(`CREATE ROLE admin LOGIN CREATEDB CREATEROLE PASSWORD ${sqlText(PASSWORD)}`);
    spiloServer.sql('CREATE DATABASE ciip_portal OWNER admin');
    tlsServer = await server(['local all all trust', 'hostnossl all all all reject', 'hostssl all all all scram-sha-256'], cert);
    plainServer = await server(['local all all trust', 'host all all all scram-sha-256']);
    servers.push(spiloServer, tlsServer, plainServer);
  });
  afterAll(() => servers.forEach((s) => s.stop()));

  describe('spilo: the serving scope, through the chart Secret password-admin', () => {
    let url: string;
    beforeAll(() => {
      const es = find(
        renderStack(loadStack(path.join(ROOT, 'stacks/Pulumi.cas-ciip-prod.yaml'))),
        'ExternalSecret',
        'cas-ciip-portal-database-url',
      );
      url = evaluate(es.spec.target.template.data.DATABASE_URL, { password: PASSWORD });
    });

    test('the rendered URL connects, over TLS', () => {
      expect(url).toBe(
        'postgresql://admin:p%40ss%20w%3Ard%2F%3F%25%2B%231@ciip-portal-patroni.wksv3k-prod.svc:5432/ciip_portal?sslmode=require',
      );
      expect(psql(at(url, spiloServer))).toEqual({ status: 0, out: 't', err: '' });
    });

    test('fails: without TLS (a driver that defaults to plain) Spilo rejects the connection', () => {
      const r = psql(at(url.replace('sslmode=require', 'sslmode=disable'), spiloServer));
      expect(r.status).toBe(2);
      // Spilo's `hostnossl all all all reject` line, not a missing entry.
      expect(r.err).toContain(
        'FATAL:  pg_hba.conf rejects connection for host "127.0.0.1", user "admin", database "ciip_portal", no encryption',
      );
    });

    test("fails: verify-full cannot work even with Spilo's certificate in hand (self-signed for spilo.example.org)", () => {
      const r = psql(at(url.replace('sslmode=require', `sslmode=verify-full&sslrootcert=${cert.cert}`), spiloServer));
      expect(r.status).toBe(2);
      expect(r.err).toContain('server certificate for "spilo.example.org" does not match host name "ciip-portal-patroni.wksv3k-prod.svc"');
    });
  });

  describe.each([
    ['cnpg (CloudNativePG <cluster>-app/uri)', 'indigo-prod', 'forgejo-database-url', 'forgejo-db-rw.forgejo:5432', 'app', 'app'],
    [
      'crunchy (PGO <cluster>-pguser-<user>/uri)',
      'jobstore-prod',
      'api-database-url',
      'api-postgres-primary.psa-job-store-prod.svc:5432',
      'admin',
      'api',
    ],
  ])('%s: the operator URI plus sslmode', (_what, stack, secret, hostPort, user, database) => {
    let url: string;
    let operatorUri: string;
    beforeAll(() => {
      tlsServer.sql(`CREATE ROLE "${user}" LOGIN PASSWORD ${sqlText(PASSWORD)}`);
      tlsServer.sql(`CREATE DATABASE "${database}" OWNER "${user}"`);
      const es = find(renderStack(loadStack(path.join(ROOT, `stacks/Pulumi.${stack}.yaml`))), 'ExternalSecret', secret);
      expect(es.spec.data).toEqual([
        expect.objectContaining({ secretKey: 'uri', remoteRef: expect.objectContaining({ property: 'uri' }) }),
      ]);
      // The uri as the operators write it: url.URL{Scheme: postgresql, User: UserPassword(...), Host, Path}.
      operatorUri = `postgresql://${user}:${encodeURIComponent(PASSWORD)}@${hostPort}/${database}`;
      url = evaluate(es.spec.target.template.data.DATABASE_URL, { uri: operatorUri });
    });
    afterAll(() => {
      tlsServer.sql(`DROP DATABASE "${database}"`);
      tlsServer.sql(`DROP ROLE "${user}"`);
    });

    test('the rendered URL connects to a server that refuses plain connections, over TLS', () => {
      expect(url).toBe(`${operatorUri}?sslmode=require`);
      expect(psql(at(url, tlsServer))).toEqual({ status: 0, out: 't', err: '' });
    });

    test('fails: the bare operator URI, read by a driver that defaults to plain, is refused', () => {
      const r = psql(at(`${operatorUri}?sslmode=disable`, tlsServer));
      expect(r.status).toBe(2);
      expect(r.err).toContain(
        `FATAL:  pg_hba.conf rejects connection for host "127.0.0.1", user "${user}", database "${database}", no encryption`,
      );
    });
  });

  describe.each([
    [
      'patroni (the bcgov Patroni image)',
      () => renderStack(loadStack(path.join(ROOT, 'stacks/Pulumi.hcap-prod.yaml'))),
      'hcap-server-database-url',
      'hcap',
    ],
    [
      'standalone (the postgres image, ssl off)',
      () =>
        render(
          pydis('prod', {
            connection: { database: 'site', secret: { name: 'site-db-login' } },
            consumers: [{ app: 'site', secretName: 'site-database-url' }],
            network: { allowFrom: [{ namespace: 'databases', podLabels: { app: 'site' } }] },
          }),
        ),
      'site-database-url',
      'site',
    ],
  ])('%s: a server without TLS', (_what, rendered, secret, database) => {
    let url: string;
    const user = 'app user+1';
    beforeAll(() => {
      plainServer.sql(`CREATE ROLE "${user}" LOGIN PASSWORD ${sqlText(PASSWORD)}`);
      plainServer.sql(`CREATE DATABASE "${database}" OWNER "${user}"`);
      url = evaluate(find(rendered(), 'ExternalSecret', secret).spec.target.template.data.DATABASE_URL, { user, password: PASSWORD });
    });
    afterAll(() => {
      plainServer.sql(`DROP DATABASE "${database}"`);
      plainServer.sql(`DROP ROLE "${user}"`);
    });

    test('the rendered URL connects without TLS', () => {
      expect(url).toMatch(/^postgresql:\/\/app%20user%2B1:p%40ss%20w%3Ard%2F%3F%25%2B%231@[a-z.-]+:5432\/[a-z]+\?sslmode=disable$/);
      expect(psql(at(url, plainServer))).toEqual({ status: 0, out: 'f', err: '' });
    });

    test('fails: sslmode=require (what the TLS engines render) finds no TLS there', () => {
      const r = psql(at(url.replace('sslmode=disable', 'sslmode=require'), plainServer));
      expect(r.status).toBe(2);
      expect(r.err).toContain('server does not support SSL, but SSL was required');
    });
  });

  test("standalone with the ssl parameter on renders sslmode=require (the server's own TLS)", () => {
    const r = render(
      pydis('prod', {
        parameters: { ssl: 'on' },
        connection: { database: 'site', secret: { name: 'site-db-login' } },
        consumers: [{ app: 'site', secretName: 'site-database-url' }],
        network: { allowFrom: [{ namespace: 'databases', podLabels: { app: 'site' } }] },
      }),
    );
    expect(find(r, 'ExternalSecret', 'site-database-url').spec.target.template.data.DATABASE_URL).toBe(
      'postgresql://{{ .user | urlquery | replace "+" "%20" }}:{{ .password | urlquery | replace "+" "%20" }}@postgres.databases.svc:5432/site?sslmode=require',
    );
  });
});
