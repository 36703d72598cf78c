/**
 * The dump/restore Job of an engine migration (`migrateFrom.method: dump`, standalone targets),
 * run for real: the exact rendered script with the rendered environment (hosts pointed at the
 * test's servers, Secret values supplied as the kubelet would), from a Spilo-like TLS-only
 * source into a fresh server; then the plan's checks compare the two.
 */
import { execFileSync } from 'node:child_process';
import { EXTENSIONS_SQL, OWNERS_SQL, ROW_COUNTS_SQL, SEQUENCES_SQL } from '../../lib/model/migration-checks';
import { MIGRATION_DUMP_SCRIPT } from '../../lib/constructs/migration-dump-script';
import { describeWithTools, find, render } from '../helpers';
import { PG_BIN, POSTGRES_TOOLS, PostgresServer, runAsPostgres } from '../real-postgres';
import { ciip, LIVE } from '../engines/spilo-stack';
import { lines, own, SOURCE_TOOLS, type SpiloLikeSource, startSpiloLikeSource, STUB, SUPERUSER_PASSWORD } from './spilo-like-source';

const TARGET = 'ciip-portal-standalone';

/** cas-ciip with a standalone generation on 15 (the tools here) filled from the Spilo one. */
const spiloToStandalone = (migrateFrom: Record<string, unknown> = {}) =>
  ciip({
    generations: [
      { name: LIVE },
      {
        name: TARGET,
        engine: 'standalone',
        postgresVersion: 15,
        migrateFrom: { generation: LIVE, extensions: ['pg_stat_statements', 'pgcrypto'], ...migrateFrom },
      },
    ],
    serving: LIVE,
    standalone: {
      superuser: { secretName: 'ciip-standalone-superuser' },
      storage: { size: '10Gi', storageClass: 'netapp-block-standard' },
      backup: { method: 'dump', retentionDays: 7, target: { pvc: { size: '10Gi' } } },
      connection: { database: 'ciip_portal', secret: { name: 'ciip-app-login' } },
      network: { allowFrom: [{ namespace: 'wksv3k-prod', podLabels: { app: 'cas-ciip-portal' } }] },
    },
  });

/** The rendered Job's plain environment, with the Secret references resolved to what the test's servers use. */
function jobEnv(job: Record<string, any>, source: PostgresServer, target: PostgresServer): Record<string, string> {
  const secrets: Record<string, string> = {
    [`${LIVE}/password-superuser`]: SUPERUSER_PASSWORD,
    'ciip-standalone-superuser/POSTGRES_USER': 'postgres',
    'ciip-standalone-superuser/POSTGRES_PASSWORD': '',
  };
  const env: Record<string, string> = {};
  for (const e of job.spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: any }[]) {
    const ref = e.valueFrom?.secretKeyRef;
    env[e.name] = ref ? secrets[`${ref.name}/${ref.key}`] : e.value!;
  }
  // The Services are Kubernetes names: here the servers listen on loopback.
  return {
    ...env,
    SOURCE_HOST: '127.0.0.1',
    SOURCE_PORT: String(source.port),
    PGHOST: target.root,
    PGPORT: String(target.port),
    WAIT_SECONDS: '30',
  };
}

describeWithTools(
  [...POSTGRES_TOOLS, `${PG_BIN}/pg_dump`, 'shellcheck', ...SOURCE_TOOLS],
  'the migration dump/restore Job, for real',
  () => {
    let src: SpiloLikeSource;
    const targets: PostgresServer[] = [];
    beforeAll(async () => {
      src = await startSpiloLikeSource();
    }, 120_000);
    afterAll(() => {
      src?.stop();
      for (const t of targets) t.stop();
    });
    const run = async (migrateFrom: Record<string, unknown> = {}) => {
      const job = find(render(spiloToStandalone(migrateFrom)), 'Job', `${TARGET}-migrate`);
      const target = await PostgresServer.start();
      targets.push(target);
      const script = job.spec.template.spec.containers[0].args[0] as string;
      expect(script).toBe(MIGRATION_DUMP_SCRIPT);
      return { target, result: runAsPostgres(['bash', '-c', script], jobEnv(job, src.server, target), { timeoutMs: 300_000 }) };
    };

    test('the script passes shellcheck', () => {
      expect(execFileSync('shellcheck', ['-s', 'bash', '-'], { input: MIGRATION_DUMP_SCRIPT, encoding: 'utf8' })).toBe('');
    });

    test('copies roles (with passwords), owners, grants, rows and sequences; leaves Spilo’s own objects behind', async () => {
      const { target, result } = await run();
      expect([result.status, result.stderr]).toEqual([0, '']);
      expect(result.stdout).toContain('pgfleet: copied the roles (*)');
      expect(result.stdout).toContain(`pgfleet: copied ciip_portal from 127.0.0.1 into ${target.root} and analyzed them`);
      const source = src.server;
      expect(lines(target, ROW_COUNTS_SQL)).toEqual(lines(source, ROW_COUNTS_SQL));
      expect(lines(target, SEQUENCES_SQL)).toEqual(lines(source, SEQUENCES_SQL));
      expect(lines(target, OWNERS_SQL)).toEqual(own(lines(source, OWNERS_SQL)));
      expect(lines(target, EXTENSIONS_SQL)).toEqual(['pg_stat_statements', 'pgcrypto', 'plpgsql']);
      expect(lines(source, EXTENSIONS_SQL)).toContain(STUB);
      expect(target.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'ciip_portal'")).toBe('ciip');
      expect(target.sql("SELECT has_table_privilege('ciip_reader', 'public.application', 'SELECT')", 'ciip_portal')).toBe('t');
      expect(
        target.sql(
          "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname IN ('admin', 'app_user', 'ciip', 'ciip_reader')",
        ),
      ).toBe('admin,app_user,ciip,ciip_reader');
      const login = runAsPostgres(
        [`${PG_BIN}/psql`, '-XAtc', 'SELECT current_user', `host=127.0.0.1 port=${target.port} user=ciip dbname=ciip_portal`],
        {
          PGPASSWORD: 'ciip-test-only',
        },
      );
      expect([login.status, login.stdout.trim()]).toEqual([0, 'ciip']);
    }, 300_000);

    test('refuses a server that already holds a database, and stops at the first error', async () => {
      const { target, result } = await run();
      expect(result.status).toBe(0);
      const again = runAsPostgres(
        ['bash', '-c', MIGRATION_DUMP_SCRIPT],
        jobEnv(find(render(spiloToStandalone()), 'Job', `${TARGET}-migrate`), src.server, target),
      );
      expect([again.status, again.stderr.trim()]).toEqual([
        1,
        `pgfleet: REFUSING TO COPY into ${target.root}: it already has databases (ciip_portal); a copy goes into a new, empty server`,
      ]);
      // Without the rendered pg_dump options the source's own extension reaches a server that lacks it.
      const bare = await PostgresServer.start();
      targets.push(bare);
      const env = { ...jobEnv(find(render(spiloToStandalone()), 'Job', `${TARGET}-migrate`), src.server, bare), DUMP_OPTIONS: '' };
      const failed = runAsPostgres(['bash', '-c', MIGRATION_DUMP_SCRIPT], env);
      expect(failed.status).not.toBe(0);
      expect(failed.stderr).toMatch(new RegExp(`extension "${STUB}" is not available|could not open extension control file.*${STUB}`));
    }, 300_000);
  },
);
