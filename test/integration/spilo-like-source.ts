/**
 * A Spilo-like PostgreSQL source for the engine-migration tests: TLS required from other hosts
 * (Spilo's pg_hba: `hostnossl all all all reject`), Spilo's own schemas and an extension the
 * targets lack (a stand-in for pg_stat_kcache and set_user, removed from the system once the
 * source has it), and an application database with its roles, grants, views and sequences.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Origin } from '../cnpg-logical-import';
import { AS_ROOT, PostgresServer, postgresDir } from '../real-postgres';

export const SUPERUSER_PASSWORD = 'spilo-superuser-test-only';
/** An extension of the source the target's image lacks, as Spilo's pg_stat_kcache and set_user are missing from CloudNativePG's. */
/** Unique per test process: suites running side by side each install and remove their own. */
export const STUB = `pgfleet_spilo_stub_${process.pid}`;
const EXT_DIR = '/usr/share/postgresql/15/extension';

/** What Spilo's post_init and the application leave in the database. */
const SOURCE_SQL = `
CREATE ROLE admin CREATEDB NOLOGIN;
CREATE ROLE ciip LOGIN PASSWORD 'ciip-test-only';
CREATE ROLE ciip_reader NOLOGIN;
GRANT ciip_reader TO ciip;
CREATE ROLE app_user LOGIN PASSWORD 'app-user-test-only';
`;
const APP_SQL = `
CREATE EXTENSION pg_stat_statements;
CREATE EXTENSION pgcrypto;
CREATE EXTENSION ${STUB};
CREATE SCHEMA metric_helpers;
CREATE VIEW metric_helpers.stub AS SELECT ${STUB}_value() AS v;
CREATE SCHEMA user_management;
CREATE FUNCTION user_management.create_user(name text) RETURNS void LANGUAGE sql AS $$ SELECT $$;
SET ROLE ciip;
CREATE SCHEMA ggircs;
CREATE TABLE public.application (id serial PRIMARY KEY, name text NOT NULL, token bytea DEFAULT gen_random_bytes(8), created_at timestamptz DEFAULT now());
INSERT INTO public.application (name) SELECT 'facility ' || i FROM generate_series(1, 500) i;
CREATE TABLE ggircs.report (id bigserial PRIMARY KEY, application_id int REFERENCES public.application (id), amount numeric);
INSERT INTO ggircs.report (application_id, amount) SELECT 1 + i % 500, i * 1.5 FROM generate_series(1, 1200) i;
SELECT setval('ggircs.report_id_seq', 5000);
CREATE VIEW public.application_summary AS SELECT a.name, sum(r.amount) AS total FROM public.application a JOIN ggircs.report r ON r.application_id = a.id GROUP BY a.name;
GRANT SELECT ON public.application TO ciip_reader;
RESET ROLE;
`;

/** The tools besides PostgreSQL's that the source needs. */
export const SOURCE_TOOLS = ['openssl'];

/** A running Spilo-like source, where its clients connect, and how to stop it. */
export interface SpiloLikeSource {
  readonly server: PostgresServer;
  readonly origin: Origin;
  stop(): void;
}

/** Starts the source (as root: it writes the stand-in extension into the system's extension folder, then removes it). */
export async function startSpiloLikeSource(): Promise<SpiloLikeSource> {
  if (!AS_ROOT || !fs.existsSync(EXT_DIR)) throw new Error(`the source writes a stand-in extension into ${EXT_DIR}: run the test as root`);
  const tls = postgresDir('pgfleet-tls-');
  const [crt, key] = [path.join(tls, 'server.crt'), path.join(tls, 'server.key')];
  const ssl = spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    crt,
    '-subj',
    '/CN=spilo',
    '-days',
    '1',
  ]);
  if (ssl.status !== 0) throw new Error(ssl.stderr.toString());
  fs.chmodSync(key, 0o600);
  const hba = path.join(tls, 'pg_hba.conf');
  fs.writeFileSync(hba, 'local all all trust\nhostnossl all all all reject\nhostssl all all all scram-sha-256\n');
  spawnSync('chown', ['-R', 'postgres:postgres', tls]);
  const server = await PostgresServer.start({
    password: SUPERUSER_PASSWORD,
    settings: { ssl: 'on', ssl_cert_file: crt, ssl_key_file: key, hba_file: hba },
  });
  const stubFiles = [`${EXT_DIR}/${STUB}.control`, `${EXT_DIR}/${STUB}--1.0.sql`];
  fs.writeFileSync(stubFiles[0], "default_version = '1.0'\nrelocatable = true\n");
  fs.writeFileSync(stubFiles[1], `CREATE FUNCTION ${STUB}_value() RETURNS int LANGUAGE sql AS 'SELECT 1';\n`);
  try {
    server.sql(SOURCE_SQL);
    server.sql('CREATE DATABASE ciip_portal OWNER ciip');
    server.sql(APP_SQL, 'ciip_portal');
  } finally {
    // From here on no server has it: the targets lack it, as CloudNativePG's images lack Spilo's.
    for (const f of stubFiles) fs.rmSync(f, { force: true });
  }
  return { server, origin: { host: '127.0.0.1', port: server.port, password: SUPERUSER_PASSWORD }, stop: () => server.stop() };
}

/** One line per row of `sql` in `db`. */
export const lines = (server: PostgresServer, sql: string, db = 'ciip_portal') => server.sql(sql, db).split('\n').filter(Boolean);

/** The source's objects outside the schemas the copy leaves out. */
export const own = (xs: string[]) => xs.filter((x) => !/ (metric_helpers|user_management)\./.test(x));
