/**
 * The CloudNativePG import pgfleet renders for an engine migration, run for real: a Spilo-like
 * PostgreSQL source (TLS required from other hosts as Spilo's pg_hba has it, Spilo's own schemas
 * and an extension the target lacks, an application with its roles, grants and sequences) and a
 * fresh target, with the operator's own steps (test/cnpg-logical-import.ts) fed the rendered
 * Cluster. The checks pgfleet's plan prints (lib/model/migration-checks.ts) compare the two.
 */
import { EXTENSIONS_SQL, OWNERS_SQL, ROW_COUNTS_SQL, SEQUENCES_SQL } from '../../lib/model/migration-checks';
import { clusterImport, type Origin, runLogicalImport } from '../cnpg-logical-import';
import { describeWithTools, find, render } from '../helpers';
import { PG_BIN, POSTGRES_TOOLS, PostgresServer, runAsPostgres } from '../real-postgres';
import { lines, own, SOURCE_TOOLS, type SpiloLikeSource, startSpiloLikeSource, STUB } from './spilo-like-source';
import { cnpgBlock, spiloToCnpg, TARGET } from '../engines/migration-stack';

describeWithTools(
  [...POSTGRES_TOOLS, `${PG_BIN}/pg_dump`, `${PG_BIN}/pg_restore`, ...SOURCE_TOOLS],
  'CloudNativePG import of a Spilo generation, for real',
  () => {
    let src: SpiloLikeSource;
    let source: PostgresServer;
    let origin: Origin;
    const targets: PostgresServer[] = [];

    beforeAll(async () => {
      src = await startSpiloLikeSource();
      source = src.server;
      origin = src.origin;
    }, 120_000);

    afterAll(() => {
      src?.stop();
      for (const t of targets) t.stop();
    });

    const target = async () => {
      const t = await PostgresServer.start();
      targets.push(t);
      return t;
    };
    // The tools here are PostgreSQL 15, so the new generation runs 15; below 17 the stack lists the extensions to carry.
    const rendered = (migrateFrom: Record<string, unknown>, db: Record<string, unknown> = {}) =>
      clusterImport(
        find(
          render(spiloToCnpg({ extensions: ['pg_stat_statements', 'pgcrypto'], ...migrateFrom }, db, { postgresVersion: 15 })),
          'Cluster',
          TARGET,
        ),
      );

    test('microservice: rows, sequences and extensions arrive; Spilo’s own objects stay behind; every object belongs to the owner', async () => {
      const spec = rendered({});
      expect(spec.initdb.import.pgDumpExtraOptions).toEqual([
        '--exclude-schema=metric_helpers',
        '--exclude-schema=user_management',
        '--extension=pg_stat_statements',
        '--extension=pgcrypto',
      ]);
      expect(spec.externalCluster.connectionParameters).toMatchObject({ user: 'postgres', sslmode: 'require' });
      const t = await target();
      const run = runLogicalImport(spec, origin, t);
      expect(run.failure).toBeUndefined();
      expect(lines(t, ROW_COUNTS_SQL)).toEqual(lines(source, ROW_COUNTS_SQL));
      expect(lines(t, ROW_COUNTS_SQL)).toEqual(['ggircs.report|1200', 'public.application|500']);
      expect(lines(t, SEQUENCES_SQL)).toEqual(lines(source, SEQUENCES_SQL));
      expect(lines(t, SEQUENCES_SQL)).toEqual(['ggircs.report_id_seq|5000', 'public.application_id_seq|500']);
      expect(lines(source, EXTENSIONS_SQL)).toEqual(['pg_stat_statements', 'pgcrypto', STUB, 'plpgsql']);
      expect(lines(t, EXTENSIONS_SQL)).toEqual(['pg_stat_statements', 'pgcrypto', 'plpgsql']);
      const objects = (xs: string[]) => xs.map((x) => x.split('|')[0]);
      expect(objects(lines(t, OWNERS_SQL))).toEqual(objects(own(lines(source, OWNERS_SQL))));
      expect(new Set(lines(t, OWNERS_SQL).map((x) => x.split('|')[1]))).toEqual(new Set(['ciip_portal']));
      expect(t.sql("SELECT rolsuper FROM pg_roles WHERE rolname = 'ciip_portal'")).toBe('f');
      expect(t.sql('SELECT count(*) FROM application_summary', 'ciip_portal')).toBe('500');
    }, 300_000);

    test('monolith: the listed roles (with their passwords) and the owners and grants arrive as they were', async () => {
      const spec = rendered({ type: 'monolith', roles: ['ciip', 'ciip_reader'] }, { cnpg: cnpgBlock({ owner: 'app' }) });
      const t = await target();
      const run = runLogicalImport(spec, origin, t);
      expect(run.failure).toBeUndefined();
      expect(lines(t, OWNERS_SQL)).toEqual(own(lines(source, OWNERS_SQL)));
      expect(lines(t, ROW_COUNTS_SQL)).toEqual(lines(source, ROW_COUNTS_SQL));
      expect(lines(t, SEQUENCES_SQL)).toEqual(lines(source, SEQUENCES_SQL));
      expect(
        lines(t, "SELECT rolname || ' ' || rolcanlogin || ' ' || rolsuper FROM pg_roles WHERE rolname LIKE 'ciip%' ORDER BY 1", 'postgres'),
      ).toEqual(['ciip true false', 'ciip_reader false false']);
      // CloudNativePG created the cluster's database (owned by its owner) before the import, which restored into it.
      expect(t.sql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'ciip_portal'")).toBe('app');
      expect(t.sql("SELECT pg_has_role('ciip', 'ciip_reader', 'MEMBER')")).toBe('t');
      expect(t.sql("SELECT has_table_privilege('ciip_reader', 'public.application', 'SELECT')", 'ciip_portal')).toBe('t');
      // The password hash came along: the application logs in as before.
      const login = runAsPostgres(
        [`${PG_BIN}/psql`, '-XAtc', 'SELECT current_user', 'host=127.0.0.1 port=' + t.port + ' user=ciip dbname=ciip_portal'],
        {
          PGPASSWORD: 'ciip-test-only',
        },
      );
      expect([login.status, login.stdout.trim()]).toEqual([0, 'ciip']);
    }, 300_000);

    test('fails without the rendered pg_dump options: the source’s own extension is missing on the target', async () => {
      const spec = rendered({});
      const bare = { ...spec, initdb: { ...spec.initdb, import: { ...spec.initdb.import, pgDumpExtraOptions: [] } } };
      const run = runLogicalImport(bare, origin, await target());
      expect(run.failure).toMatch(
        new RegExp(`pg_restore.*→ 1[\\s\\S]*extension "${STUB}" is not available|could not open extension control file.*${STUB}`),
      );
    }, 300_000);

    test('fails as a role that is not superuser (roles are read from pg_authid), and without TLS (Spilo rejects it)', async () => {
      const spec = rendered({ type: 'monolith', roles: ['ciip'] });
      const asAppUser = {
        ...spec,
        externalCluster: { connectionParameters: { ...spec.externalCluster.connectionParameters, user: 'app_user' } },
      };
      const denied = runLogicalImport(asAppUser, { ...origin, password: 'app-user-test-only' }, await target());
      expect(denied.failure).toMatch(/permission denied for table pg_authid/);
      const plain = {
        ...spec,
        externalCluster: { connectionParameters: { ...spec.externalCluster.connectionParameters, sslmode: 'disable' } },
      };
      const refused = runLogicalImport(plain, origin, await target());
      expect(refused.failure).toMatch(
        /pg_hba.conf rejects connection for host "127.0.0.1", user "postgres", database "postgres", no encryption/,
      );
    }, 300_000);
  },
);
