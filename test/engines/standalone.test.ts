/**
 * Standalone engine: the seed's single server (pydis-prod); its nightly backups are in
 * standalone-backups.test.ts.
 */
import { parse } from 'yaml';
import { confDigest } from '../../lib/engines/standalone/postgres-conf';
import { all, filesOf, find, render } from '../helpers';
import { dumpToPvc, issuesOf, LIVE, pydis } from './standalone-stack';

const DB = 'pgfleet:databases[0]';

/** Pod templates of every workload in a render. */
function podTemplates(r: ReturnType<typeof render>): { object: string; pod: Record<string, any> }[] {
  return r.objects.flatMap((o) => {
    const m = o.manifest;
    const pod =
      m.kind === 'CronJob' ? m.spec.jobTemplate.spec.template : m.kind === 'Job' || m.kind === 'StatefulSet' ? m.spec.template : undefined;
    return pod ? [{ object: `${m.kind}/${m.metadata.name}`, pod }] : [];
  });
}

/** A secret in blackbox.yaml (see blackbox-config.ts); group 1 is its variable. */
const SECRET = /\{\{ secret\((\w+)\) \}\}/g;
/** The macro that writes it, defined once at the top of the file. */
const MACRO = `{% macro secret(value) %}"{{ value.encode('unicode_escape').decode().replace('"', '\\\\"') }}"{% endmacro %}`;

/** Python's `s.encode('unicode_escape').decode()`: printable ASCII kept, `\\` doubled, the rest escaped. */
function unicodeEscape(s: string): string {
  const named: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
  return [...s]
    .map((ch) => {
      const c = ch.codePointAt(0)!;
      if (named[ch]) return named[ch];
      if (c >= 0x20 && c < 0x7f) return ch;
      if (c < 0x100) return `\\x${c.toString(16).padStart(2, '0')}`;
      return c < 0x10000 ? `\\u${c.toString(16).padStart(4, '0')}` : `\\U${c.toString(16).padStart(8, '0')}`;
    })
    .join('');
}

/** Fills each secret's template as blackbox's Jinja would, from `env` (the real blackbox does it in standalone-blackbox.test.ts). */
function jinja(text: string, env: Record<string, string>): string {
  return text.replace(MACRO, '').replace(SECRET, (_m, v: string) => {
    if (!(v in env)) throw new Error(`undefined ${v}`);
    return `"${unicodeEscape(env[v]).replace(/"/g, '\\"')}"`;
  });
}

describe('standalone engine: pydis-prod', () => {
  const r = render(pydis('prod'), { stack: 'pydis-prod' });

  test('snapshot of the rendered stack', () => {
    expect(filesOf(r)).toMatchSnapshot();
  });

  test('renders exactly the server, its Services, configuration, network policy and blackbox', () => {
    expect(r.objects.map((o) => o.file).sort()).toEqual([
      'configmap-postgres-blackbox.yaml',
      'configmap-postgres-config.yaml',
      'cronjob-postgres-blackbox.yaml',
      'networkpolicy-postgres-server.yaml',
      'persistentvolumeclaim-postgres-data.yaml',
      'service-postgres-headless.yaml',
      'service-postgres.yaml',
      'statefulset-postgres.yaml',
    ]);
    expect(
      r.objects
        .filter((o) => o.dataBearing)
        .map((o) => `${o.file}:${o.dataBearing}`)
        .sort(),
    ).toEqual(['persistentvolumeclaim-postgres-data.yaml:postgres', 'statefulset-postgres.yaml:postgres']);
    for (const o of r.objects) expect(o.manifest.metadata.namespace).toBe(o.manifest.kind === 'Role' ? expect.any(String) : 'databases');
  });

  test('one StatefulSet replica on a ReadWriteOncePod claim from the retain class', () => {
    const sts = find(r, 'StatefulSet', LIVE);
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.serviceName).toBe('postgres-headless');
    const pvc = find(r, 'PersistentVolumeClaim', 'postgres-data');
    expect(pvc.spec).toEqual({
      accessModes: ['ReadWriteOncePod'],
      storageClassName: 'linode-block-storage-retain',
      resources: { requests: { storage: '25Gi' } },
    });
    const pod = sts.spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === 'data')).toEqual({
      name: 'data',
      persistentVolumeClaim: { claimName: 'postgres-data' },
    });
    expect(pod.volumes.find((v: any) => v.name === 'shm')).toEqual({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } });
    const c = pod.containers[0];
    expect(c.image).toBe('ghcr.io/owl-corp/psql_extended:16');
    expect(c.args).toEqual(['-c', 'config_file=/etc/postgresql/postgresql.conf']);
    expect(c.volumeMounts.find((m: any) => m.name === 'shm').mountPath).toBe('/dev/shm');
  });

  test('credentials come from the existing Secret, never as values', () => {
    const env = find(r, 'StatefulSet', LIVE).spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'postgres-env', key: 'POSTGRES_USER' } } },
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-env', key: 'POSTGRES_PASSWORD' } } },
      { name: 'POSTGRES_DB', value: 'postgres' },
      { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
    ]);
  });

  test('postgresql.conf from the parameters, listening on all addresses; its digest restarts the server', () => {
    const conf = find(r, 'ConfigMap', 'postgres-config').data['postgresql.conf'] as string;
    expect(conf).toContain("listen_addresses = '*'");
    expect(conf).toContain("shared_preload_libraries = 'pg_stat_statements'");
    expect(conf).toContain("max_connections = '110'");
    expect(conf).toContain("password_encryption = 'md5'");
    expect(find(r, 'StatefulSet', LIVE).spec.template.metadata.annotations['pgfleet.io/config-digest']).toBe(confDigest(conf));
  });

  test('the application Service "postgres" selects the serving generation\'s pod', () => {
    const svc = find(r, 'Service', 'postgres');
    expect(svc.spec.selector).toEqual({ 'pgfleet.io/database': 'postgres', 'pgfleet.io/generation': LIVE, 'pgfleet.io/role': 'server' });
    expect(svc.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 'postgres' }]);
    expect(find(r, 'Service', 'postgres-headless').spec.clusterIP).toBe('None');
  });

  test("blackbox: the seed's schedule and image, and a typed blackbox.yaml with secrets only as templates of Secret-fed variables", () => {
    const cron = find(r, 'CronJob', 'postgres-blackbox');
    expect(cron.spec.schedule).toBe('0 15 * * *');
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.containers[0].image).toBe('docker.io/lemonsaurus/blackbox:main');
    expect(pod.containers[0].env.find((e: any) => e.name === 'BLACKBOX_CONFIG_PATH').value).toBe('/blackbox/config_file/blackbox.yaml');
    expect(pod.volumes[0]).toEqual({ name: 'config', configMap: { name: 'postgres-blackbox' } });

    const text = find(r, 'ConfigMap', 'postgres-blackbox').data['blackbox.yaml'] as string;
    // Every variable the template uses is set in the CronJob, from a Secret.
    const vars = [...text.matchAll(SECRET)].map((m) => m[1]);
    expect(vars.length).toBe(9);
    // blackbox renders the whole file with Jinja (StrictUndefined): the macro, defined once on line 3, and no other braces.
    expect(text.split('\n')[2]).toBe(MACRO);
    const rest = text.replace(MACRO, '');
    expect(rest.split('{{').length - 1).toBe(vars.length);
    expect(rest).not.toMatch(/\{%|\{#/);
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e]));
    for (const v of vars)
      expect(env[v].valueFrom.secretKeyRef).toEqual({ name: expect.stringMatching(/^(postgres|blackbox)-env$/), key: expect.any(String) });
    // A password with YAML-hostile characters survives Jinja + YAML.
    const hostile = 'p@ss: "w#rd\' \\ {x} zürich 😀\x01';
    const cfg = parse(jinja(text, Object.fromEntries(vars.map((v) => [v, v.endsWith('PASSWORD') ? hostile : `value-of-${v}`]))));
    expect(cfg.databases.postgres.postgres).toEqual({
      username: 'value-of-PGFLEET_PG_USER',
      password: hostile,
      host: 'postgres.databases.svc',
      port: '5432',
    });
    expect(Object.keys(cfg.storage.s3)).toEqual(['frankfurt_s3', 'newark_s3', 'singapore_s3']);
    expect(cfg.storage.s3.newark_s3).toMatchObject({ bucket: 'blackbox', endpoint: 'us-east-1.linodeobjects.com' });
    expect(Object.keys(cfg.notifiers.discord)).toEqual(['dev_ops']);
    expect(cfg.retention_days).toBe(7);
    // botocore 1.36+ sends no aws-chunked CRC trailers the S3-compatible stores may not take (backup.s3Checksums).
    expect(env.AWS_REQUEST_CHECKSUM_CALCULATION).toEqual({ name: 'AWS_REQUEST_CHECKSUM_CALCULATION', value: 'when_required' });
    expect(env.AWS_RESPONSE_CHECKSUM_VALIDATION).toEqual({ name: 'AWS_RESPONSE_CHECKSUM_VALIDATION', value: 'when_required' });
  });

  test('every pod is restricted: non-root numeric user, RuntimeDefault seccomp, no privilege, read-only root', () => {
    const pods = podTemplates(r);
    expect(pods.length).toBe(2);
    for (const { pod } of pods) {
      const s = pod.spec.securityContext;
      expect(s).toMatchObject({
        runAsNonRoot: true,
        runAsUser: expect.any(Number),
        fsGroup: expect.any(Number),
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.spec.enableServiceLinks).toBe(false);
      for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
        expect(c.securityContext).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
  });

  test("the server is reachable only from pgfleet's Jobs, the writers and the listed peers", () => {
    const np = find(r, 'NetworkPolicy', 'postgres-server');
    expect(np.spec.podSelector).toEqual({ matchLabels: { 'pgfleet.io/database': 'postgres', 'pgfleet.io/role': 'server' } });
    expect(np.spec.ingress).toEqual([
      {
        ports: [{ protocol: 'TCP', port: 5432 }],
        from: [
          { podSelector: { matchLabels: { 'pgfleet.io/client-of': 'postgres' } } },
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'web' } }, podSelector: { matchLabels: { app: 'site' } } },
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'bots' } },
            podSelector: { matchLabels: { app: 'metricity' } },
          },
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tooling' } },
            podSelector: { matchLabels: { app: 'metabase' } },
          },
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'tooling' } },
            podSelector: { matchLabels: { app: 'bitwarden' } },
          },
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
            podSelector: { matchLabels: { app: 'grafana' } },
          },
        ],
      },
    ]);
    // The blackbox pods carry the client label.
    expect(find(r, 'CronJob', 'postgres-blackbox').spec.jobTemplate.spec.template.metadata.labels['pgfleet.io/client-of']).toBe('postgres');
  });

  test('no upgrade Jobs without an upgrade, and the state records the generation', () => {
    expect(all(r, 'Job')).toEqual([]);
    expect(r.state.databases.postgres.generations).toEqual({
      postgres: {
        postgresVersion: 16,
        volumes: { data: '25Gi' },
        bootstrap: { kind: 'initdb' },
        // Each blackbox target holds a copy of the backups: dropping one is gated like any archive.
        archives: ['frankfurt_s3', 'newark_s3', 'singapore_s3'].map((id) => ({
          repo: `blackbox:${id}`,
          kind: 's3',
          url: 's3://blackbox/',
        })),
        // Daily blackbox dumps kept 7 days: up to a day lost, 6 days sure to be kept.
        recovery: { method: 'dump', rpoSeconds: 86_400, windowSeconds: 6 * 86_400 },
      },
    });
  });

  test('consumers get DATABASE_URL through the stable Service, from the login Secret', () => {
    const withConsumer = render(
      pydis('prod', {
        connection: { database: 'site', secret: { name: 'site-db-login' } },
        consumers: [{ app: 'site', secretName: 'site-database-url' }],
        network: { allowFrom: [{ namespace: 'databases', podLabels: { app: 'site' } }] },
      }),
    );
    const es = find(withConsumer, 'ExternalSecret', 'site-database-url');
    expect(es.spec.target.template.data.DATABASE_URL).toBe(
      'postgresql://{{ .user | urlquery | replace "+" "%20" }}:{{ .password | urlquery | replace "+" "%20" }}@postgres.databases.svc:5432/site?sslmode=disable',
    );
    expect(es.spec.data.map((d: any) => d.remoteRef)).toEqual([
      { key: 'site-db-login', property: 'password' },
      { key: 'site-db-login', property: 'username' },
    ]);
    // The store may read the application's login, never the superuser's Secret.
    expect(find(withConsumer, 'Role', 'postgres-connections').rules[0].resourceNames).toEqual(['site-db-login']);
  });

  test('the default generation is named after the database and the image defaults to the official one', () => {
    const db = { ...pydis('prod') } as Record<string, any>;
    const entry = { ...(db['pgfleet:databases'] as any[])[0] };
    delete entry.image;
    const d = render({ ...db, 'pgfleet:databases': [entry] });
    expect(find(d, 'StatefulSet', 'postgres').spec.template.spec.containers[0].image).toBe('docker.io/library/postgres:16');
  });
});

describe('standalone engine: consumers', () => {
  const consumer = { app: 'site', secretName: 'site-database-url' };
  const login = { database: 'site', secret: { name: 'site-db-login' } };

  test('fails when the NetworkPolicy would block a declared consumer, naming it, what is admitted and the fix', () => {
    // The writers and Grafana are admitted; the consumer runs in "databases", where its Secret is, and nothing selects it.
    const issues = issuesOf(() => render(pydis('prod', { connection: login, consumers: [consumer] })));
    expect(issues.map((i) => i.path)).toEqual([`${DB}.consumers[0].app`]);
    expect(issues[0].value).toBe('site');
    expect(issues[0].allowed).toContain('a consumer the NetworkPolicy postgres-server admits');
    expect(issues[0].allowed).toContain('writer web {app: site}');
    expect(issues[0].allowed).toContain('allowFrom monitoring {app: grafana}');
    expect(issues[0].allowed).toContain("none of them selects site's pods in namespace databases, where its Secret site-database-url is");
    expect(issues[0].fix).toBe(
      "add network.allowFrom: [{ namespace: databases, podLabels: { app: site } }] with the labels of site's pods (one of them valued site), or list site under writers if it writes",
    );
  });

  test.each([
    [
      'an allowFrom peer labelled with its name',
      { network: { allowFrom: [{ namespace: 'databases', podLabels: { 'app.kubernetes.io/name': 'site' } }] } },
    ],
    ['an allowFrom peer for the whole namespace', { network: { allowFrom: [{ namespace: 'databases' }] } }],
    ['a writer of its namespace', { writers: [{ namespace: 'databases', name: 'site', replicas: 1 }] }],
  ])('a consumer admitted by %s renders, and the NetworkPolicy selects it', (_what, extra) => {
    const r = render(pydis('prod', { connection: login, consumers: [consumer], ...extra }));
    const from = find(r, 'NetworkPolicy', 'postgres-server').spec.ingress[0].from;
    expect(from).toContainEqual(
      expect.objectContaining({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'databases' } } }),
    );
  });

  test("fails on consumers without the application's own login (the superuser is never handed out)", () => {
    const issues = issuesOf(() => render(pydis('prod', { consumers: [consumer], network: { allowFrom: [{ namespace: 'databases' }] } })));
    expect(issues.map((i) => i.path)).toEqual([`${DB}.connection.secret`]);
    expect(issues[0].allowed).toContain("the application's own login for the consumers (site)");
    expect(issues[0].fix).toContain('set connection.secret: { name: <secret> }');
  });

  test('fails on a consumer user: standalone has one application login', () => {
    const issues = issuesOf(() =>
      render(
        pydis('prod', {
          connection: login,
          consumers: [{ ...consumer, user: 'site' }],
          network: { allowFrom: [{ namespace: 'databases' }] },
        }),
      ),
    );
    expect(issues.map((i) => i.path)).toEqual([`${DB}.consumers[0].user`]);
    expect(issues[0].fix).toContain('remove user');
  });
});

describe('standalone engine: superuser from Vault', () => {
  const vault = { path: '/secret/pydis/postgres', role: 'pydis-postgres' };
  const withVault = (db: Record<string, unknown> = {}) => ({
    ...pydis('prod', { superuser: { vault }, ...db }),
    'pgfleet:vault': { server: 'https://vault.example.org:8200' },
  });

  test('the shared Vault → External Secrets construct fills <database>-superuser, which every pod reads', () => {
    const r = render(withVault({ backup: dumpToPvc }));
    const gen = find(r, 'VaultDynamicSecret', 'postgres-superuser');
    expect(gen.spec).toMatchObject({
      path: '/secret/pydis/postgres',
      method: 'GET',
      provider: {
        server: 'https://vault.example.org:8200',
        auth: { kubernetes: { role: 'pydis-postgres', serviceAccountRef: { name: 'postgres-superuser' } } },
      },
    });
    expect(find(r, 'ExternalSecret', 'postgres-superuser').spec.target.name).toBe('postgres-superuser');
    const server = find(r, 'StatefulSet', LIVE).spec.template.spec.containers[0].env;
    expect(server.slice(0, 2)).toEqual([
      { name: 'POSTGRES_USER', valueFrom: { secretKeyRef: { name: 'postgres-superuser', key: 'POSTGRES_USER' } } },
      { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-superuser', key: 'POSTGRES_PASSWORD' } } },
    ]);
    const dump = find(r, 'CronJob', 'postgres-backup').spec.jobTemplate.spec.template.spec.containers[0].env;
    expect(dump.find((e: any) => e.name === 'PGPASSWORD').valueFrom).toEqual({
      secretKeyRef: { name: 'postgres-superuser', key: 'POSTGRES_PASSWORD' },
    });
    // Nothing refers to the seed's Secret any more.
    expect(Object.values(filesOf(r)).join('\n')).not.toContain('postgres-env');
  });

  test('blackbox reads the superuser from the Vault-fed Secret too', () => {
    const env = find(render(withVault()), 'CronJob', 'postgres-blackbox').spec.jobTemplate.spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === 'PGFLEET_PG_PASSWORD').valueFrom).toEqual({
      secretKeyRef: { name: 'postgres-superuser', key: 'POSTGRES_PASSWORD' },
    });
  });

  test('fails without a Vault address', () => {
    const issues = issuesOf(() => render(pydis('prod', { superuser: { vault } })));
    expect(issues.map((i) => i.path)).toEqual([`${DB}.superuser.vault.server`]);
  });

  test('an existing Secret renders no Vault objects', () => {
    expect(all(render(pydis('prod')), 'ExternalSecret')).toEqual([]);
  });
});
