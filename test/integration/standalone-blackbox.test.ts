/**
 * Proof against the real blackbox (the pinned 3.0.2, lemonsaurus/blackbox) and real PostgreSQL:
 * the blackbox.yaml of pydis-prod's ConfigMap and the env of its CronJob, exactly as
 * synthesized from the committed stack, run against a Debian PostgreSQL server, three S3 regions
 * and the Discord webhook stood up on loopback under the rendered host names (see
 * standalone-blackbox-harness.ts); the Secrets the CronJob reads are filled with test values, as
 * the kubelet would. blackbox is judged by what it reports (its Discord payload, its log, the
 * objects in the buckets), not by its exit status alone. The dump it uploads is then restored by
 * the restore Job pgfleet renders for it: real rclone downloads it, the import script loads it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { find, issuesOf, missingTools, render } from '../helpers';
import { POSTGRES_TOOLS, postgresDir, PostgresServer } from '../real-postgres';
import { describeWithUpstream } from '../upstream';
import { NEXT, prodDatabase, pydis, restoringBlackbox, upgrading } from '../engines/standalone-stack';
import {
  type BlackboxRun,
  containerEnv,
  fingerprint,
  Forwarder,
  hostsFile,
  loopbackNet,
  missingBlackboxDeps,
  NSS_WRAPPER,
  runBlackbox,
  runContainer,
  S3Region,
  selfSignedCert,
  Webhook,
} from './standalone-blackbox-harness';

const SUPERUSER = 'pythondiscord';
// Everything a YAML scalar, a Jinja template or a shell could trip over, and a character outside the BMP.
const PASSWORD = `p"a's\\s: #{{ x }} wörd 😀`;
const ACCESS_KEY = 'LINODEKEY123';
const SECRET_KEY = 'se/cr+et"key\'{{ y }}';
const WEBHOOK = 'https://discord.com/api/webhooks/1000/t0ken-"x"?wait=true';
const HOOK_PATH = '/api/webhooks/1000/t0ken-%22x%22?wait=true';
const REGIONS = {
  frankfurt_s3: 'eu-central-1.linodeobjects.com',
  newark_s3: 'us-east-1.linodeobjects.com',
  singapore_s3: 'ap-south-1.linodeobjects.com',
};
const GREEN = 1024049;
const RED = 13377568;

/** blackbox's default file name for a day: `<id>_blackbox_<DD_MM_YYYY>.sql.gz` (its date is local). */
const nameOf = (daysAgo: number) => {
  const d = new Date(Date.now() - daysAgo * 86400_000);
  return `postgres_blackbox_${String(d.getDate()).padStart(2, '0')}_${String(d.getMonth() + 1).padStart(2, '0')}_${d.getFullYear()}.sql.gz`;
};
const today = () => nameOf(0);
const EIGHT_DAYS = nameOf(8);
const SIX_DAYS = nameOf(6);

/** The Discord embed's fields, with each storage line sorted (blackbox lists its targets in set order). */
const fieldsOf = (post: { json: any }) =>
  (post.json.embeds[0].fields as { name: string; value: string }[]).map((f) =>
    f.name === 'Output' ? f : { ...f, value: f.value.split('\n').sort().join('\n') },
  );

const reason = missingBlackboxDeps() ?? missingTools(...POSTGRES_TOOLS, 'rclone');
const describeIf = reason ? (t: string, fn: () => void) => describe.skip(`${t} [skipped: ${reason}]`, fn) : describe;

describeWithUpstream(['blackbox-3.0.2'], 'blackbox 3.0.2 runs the rendered pydis-prod backup', () => {
  describeIf('against PostgreSQL 15, three S3 regions and the Discord webhook', () => {
    const rendered = render(pydis('prod'));
    const configText = find(rendered, 'ConfigMap', 'postgres-blackbox').data['blackbox.yaml'] as string;
    const container = find(rendered, 'CronJob', 'postgres-blackbox').spec.jobTemplate.spec.template.spec.containers[0];
    const secrets = {
      'postgres-env': { POSTGRES_USER: SUPERUSER, POSTGRES_PASSWORD: PASSWORD },
      'blackbox-env': { AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY, DEVOPS_WEBHOOK: WEBHOOK },
    };
    const ip = loopbackNet();
    let dir: string;
    let server: PostgresServer;
    let forwarder: Forwarder;
    let webhook: Webhook;
    const regions: Record<string, S3Region> = {};
    /** What every process needs on loopback (host names), what blackbox needs (its CA), what rclone needs. */
    let plumbing: Record<string, string>;
    let rclonePlumbing: Record<string, string>;
    const run = (env: Record<string, string> = {}): Promise<BlackboxRun> =>
      runBlackbox(path.join(dir, 'run'), configText, { ...containerEnv(container, secrets), ...env }, plumbing);
    const everyRegion = () => Object.values(regions);
    const lastPost = () => webhook.posts[webhook.posts.length - 1];

    beforeAll(async () => {
      dir = postgresDir('pgfleet-blackbox-');
      const hosts: Record<string, string> = { 'postgres.databases.svc': ip(1), 'discord.com': ip(2) };
      Object.values(REGIONS).forEach((h, i) => (hosts[h] = ip(10 + i)));
      const tls = selfSignedCert(dir, Object.keys(hosts));
      const names = { LD_PRELOAD: NSS_WRAPPER, NSS_WRAPPER_HOSTS: hostsFile(dir, hosts) };
      plumbing = { ...names, AWS_CA_BUNDLE: tls.caFile, REQUESTS_CA_BUNDLE: tls.caFile };
      // Go's own resolver ignores nss_wrapper unless told to use libc's; rclone's AWS SDK would take AWS_CA_BUNDLE but cannot.
      rclonePlumbing = { ...names, SSL_CERT_FILE: tls.caFile, GODEBUG: 'netdns=cgo' };
      server = await PostgresServer.start({ superuser: SUPERUSER, password: PASSWORD });
      server.sql("create role site login password 'site-pw'");
      server.sql('create database site owner site');
      server.sql(
        `create schema web authorization site;
         create table web.tags (id serial primary key, name text not null unique);
         insert into web.tags (name) select 'tag-' || g from generate_series(1, 2000) g;
         insert into web.tags (name) values ('zürich ☃'), ('CREATE ROLE ${SUPERUSER};');
         alter table web.tags owner to site;`,
        'site',
      );
      forwarder = await Forwarder.start(ip(1), server.port);
      webhook = await Webhook.start(ip(2), tls);
      S3Region.allowKeys(ACCESS_KEY, SECRET_KEY);
      for (const [id, host] of Object.entries(REGIONS))
        regions[id] = await S3Region.start(hosts[host], tls, path.join(dir, id), 'blackbox');
      // Earlier nights in every region: one past retention_days (7), one within, and objects blackbox must never touch.
      for (const r of everyRegion()) {
        r.put(EIGHT_DAYS, 'eight days old', 8 * 24 + 1);
        r.put(SIX_DAYS, 'six days old, and no gzip', 6 * 24);
        r.put('site_blackbox_01_01_2026.sql.gz', 'another database id', 300 * 24);
        r.put('notes/README', 'not a backup', 300 * 24);
      }
    }, 120_000);

    afterAll(async () => {
      for (const r of everyRegion()) await r.stop();
      await webhook?.stop();
      await forwarder?.stop();
      server?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    describe('the nightly run', () => {
      let nightly: BlackboxRun;
      beforeAll(async () => {
        nightly = await run();
      });

      test('exits 0, logs no error, and never logs a secret', () => {
        expect(nightly.stderr).not.toMatch(/Traceback|ERROR|rror:/);
        for (const secret of [PASSWORD, SECRET_KEY, 'se/cr+et', 'wörd']) expect(nightly.stderr).not.toContain(secret);
        expect(nightly.status).toBe(0);
      });

      test('uploads one gzip of the whole pg_dumpall to each of the three regions', () => {
        const uploads = everyRegion().map((r) => r.objects().find((o) => o.key === today())!);
        const sql = uploads.map((u) => gunzipSync(u.body).toString('utf8'));
        for (const [i, u] of uploads.entries()) {
          expect(u.contentEncoding).toBe('gzip');
          // Each region gets its own gzip of the one dump (blackbox compresses per storage target).
          expect(sql[i]).toBe(sql[0]);
        }
        expect(sql[0]).toMatch(/^--\n-- PostgreSQL database cluster dump\n--\n/);
        expect(sql[0]).toMatch(/\n-- PostgreSQL database cluster dump complete\n--\n\n$/);
        expect(sql[0]).toContain('CREATE DATABASE site WITH TEMPLATE = template0');
        expect(sql[0]).toContain('zürich ☃');
      });

      test('rotation deletes only its own dumps older than retention_days, in every region', () => {
        for (const r of everyRegion()) {
          expect(r.keys().sort()).toEqual(['notes/README', SIX_DAYS, 'site_blackbox_01_01_2026.sql.gz', today()].sort());
        }
      });

      test('reports success to the Discord webhook, one line per region', () => {
        expect(webhook.posts.map((p) => p.path)).toEqual([HOOK_PATH]);
        expect(lastPost().json).toMatchObject({ username: 'blackbox', embeds: [{ title: 'Backup', color: GREEN }] });
        expect(fieldsOf(lastPost())).toEqual([
          {
            name: '**postgres**',
            inline: true,
            value: ':white_check_mark:  frankfurt_s3\n:white_check_mark:  newark_s3\n:white_check_mark:  singapore_s3',
          },
        ]);
      });

      test('reads every key of the rendered file (pgfleet renders nothing blackbox ignores)', () => {
        expect(nightly.set.sort()).toEqual(
          [
            'databases.postgres.postgres.host',
            'databases.postgres.postgres.password',
            'databases.postgres.postgres.port',
            'databases.postgres.postgres.username',
            'notifiers.discord.dev_ops.webhook',
            'retention_days',
            ...Object.keys(REGIONS).flatMap((id) =>
              ['aws_access_key_id', 'aws_secret_access_key', 'bucket', 'endpoint'].map((k) => `storage.s3.${id}.${k}`),
            ),
          ].sort(),
        );
        expect(nightly.set.filter((k) => !nightly.read.includes(k))).toEqual([]);
      });
    });

    describe("pgfleet's restore Job for blackbox's dumps", () => {
      const job = find(render(restoringBlackbox()), 'Job', 'postgres-restored-restore').spec.template.spec;
      let target: PostgresServer;
      let dumpDir: string;
      const restore = async (extra: Record<string, string> = {}) => {
        fs.rmSync(dumpDir, { recursive: true, force: true });
        fs.mkdirSync(dumpDir);
        fs.chmodSync(dumpDir, 0o777);
        const fetched = await runContainer(job.initContainers[0], secrets, { DUMP_DIR: dumpDir, ...extra }, rclonePlumbing);
        if (fetched.status !== 0) return { fetched };
        const overrides = { ...target.libpq(), DUMP_DIR: dumpDir, WAIT_SECONDS: '30', ...extra };
        return { fetched, imported: await runContainer(job.containers[0], secrets, overrides, plumbing) };
      };
      beforeAll(async () => {
        target = await PostgresServer.start({ superuser: SUPERUSER, password: PASSWORD });
        dumpDir = path.join(dir, 'restore-dump');
      });
      afterAll(() => target?.stop());

      test('refuses a named file that is no gzip, before anything reaches the new server', async () => {
        const { fetched, imported } = await restore({ DUMP_FILE: SIX_DAYS });
        expect(fetched.stdout).toBe(`pgfleet: fetched archive:blackbox/${SIX_DAYS}\n`);
        expect(fetched.status).toBe(0);
        expect(imported?.status).not.toBe(0);
        expect(imported?.stderr).toContain(`pgfleet: REFUSING TO IMPORT ${SIX_DAYS}: not a valid gzip file`);
        expect(target.sql("select string_agg(datname, ',' order by datname) from pg_database")).toBe('postgres,template0,template1');
      });

      test('downloads the newest dump by upload time (not by its DD_MM_YYYY name) and imports it: every row as on the server', async () => {
        const { fetched, imported } = await restore();
        expect(fetched.stdout).toBe(`pgfleet: fetched archive:blackbox/${today()}\n`);
        expect(imported?.stderr).toBe('');
        expect(imported?.stdout).toContain(`pgfleet: ${today()} has no recorded checksum; its gzip CRC and length verified`);
        expect(imported?.stdout).toContain(`pgfleet: imported ${today()} into 127.0.0.1 and analyzed every database`);
        expect(imported?.status).toBe(0);
        const restored = fingerprint(target);
        expect(restored['site/web.tags']).toMatch(/^2002 /);
        expect(restored).toEqual(fingerprint(server));
      });
    });

    describe('failures, as blackbox reports them', () => {
      const before = () => everyRegion().map((r) => r.objects().map((o) => `${o.key}:${o.body.length}`));

      test("a wrong database password: exit 1, a red report with pg_dumpall's error (password masked), no upload", async () => {
        const objects = before();
        const posts = webhook.posts.length;
        const wrong = await run({ PGFLEET_PG_PASSWORD: 'not-the-password' });
        expect(wrong.status).toBe(1);
        expect(webhook.posts.length).toBe(posts + 1);
        expect(lastPost().json.embeds[0].color).toBe(RED);
        const [db, output] = fieldsOf(lastPost());
        expect(db).toEqual({ name: '**postgres**', inline: true, value: ':x:' });
        expect(output.name).toBe('Output');
        // blackbox masks every value of its configuration in reports: host, port and user as well as the password.
        expect(output.value).toBe(
          `pg_dumpall: error: connection to server at "*****" (${ip(1)}), port ***** failed: FATAL:  password authentication failed for user "*****"`,
        );
        expect(JSON.stringify(lastPost().json) + wrong.stderr).not.toContain('not-the-password');
        expect(before()).toEqual(objects);
      });

      test('a server of a newer major than pg_dumpall: refused by pg_dumpall, reported red; the stack refuses it first', async () => {
        const client = server.sql("select current_setting('server_version_num')::int / 10000");
        const asServer = async (version: string) => {
          forwarder.serverVersion = version;
          try {
            return await run();
          } finally {
            forwarder.serverVersion = undefined;
          }
        };
        // The rule is about majors: a newer minor of pg_dumpall's own major is dumped.
        expect((await asServer(`${client}.99`)).status).toBe(0);
        expect(lastPost().json.embeds[0].color).toBe(GREEN);
        const newer = await asServer(`${Number(client) + 1}.2`);
        expect(newer.status).toBe(1);
        const [, output] = fieldsOf(lastPost());
        expect(lastPost().json.embeds[0].color).toBe(RED);
        expect(output.value).toMatch(new RegExp(`server version: ${Number(client) + 1}\\.2; pg_dumpall version: ${client}\\.\\d+`));
        expect(output.value).toContain('aborting because of server version mismatch');
        // The same situation as configuration: blackbox's pg_dumpall 16 against a serving 17.
        const refused = issuesOf(() => render(upgrading({ serving: NEXT, backup: prodDatabase().backup })));
        expect(refused.map((i) => i.allowed)).toEqual([
          "a client at least as new as the server it dumps: blackbox's pg_dumpall 16 (docker.io/lemonsaurus/blackbox:main) refuses postgres-17's PostgreSQL 17",
        ]);
      });

      test('a region that does not answer: blackbox fails the Job but sends no report at all', async () => {
        const posts = webhook.posts.length;
        await regions.singapore_s3.stop();
        // One attempt per request instead of botocore's five (only quicker: the same errors, the same code path).
        const down = await run({ AWS_MAX_ATTEMPTS: '1' });
        expect(down.status).toBe(1);
        // The upload error is caught, but listing the bucket for rotation is not: blackbox stops before notifying.
        expect(down.stderr).toMatch(/Traceback[\s\S]*in rotate[\s\S]*EndpointConnectionError/);
        expect(webhook.posts.length).toBe(posts);
      });
    });
  });
});
