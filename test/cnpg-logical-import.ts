/**
 * What CloudNativePG's instance manager runs for `bootstrap.initdb.import`, step by step, with
 * the same commands and queries, so a test can feed it a rendered Cluster and real servers.
 * Read from cloudnative-pg/cloudnative-pg v1.30.0 (no change since, to a95a534):
 * - internal/cmd/manager/instance/initdb + pkg/management/postgres/initdb.go: initdb, then
 *   `ConfigureNewInstance` (CREATE ROLE <owner> LOGIN, CREATE DATABASE <database> OWNER <owner>),
 *   then the import, on the local socket as `postgres`;
 * - pkg/management/postgres/logicalimport: microservice.go, monolith.go, database.go (pg_dump -Fd
 *   per database with `--section` for each section and `pgDumpExtraOptions`; pg_restore per
 *   section), role.go (roles from pg_authid, oid >= 16384, SUPERUSER dropped, some skipped),
 *   roleinheritance.go (GRANT role TO member);
 * - pkg/management/postgres/pool: the origin DSN is the externalCluster's connectionParameters
 *   plus ` dbname=<database>`; the password comes from a pgpass file (here PGPASSWORD).
 */
import * as path from 'node:path';
import { PG_BIN, type PostgresServer, postgresDir, runAsPostgres, type RunResult } from './real-postgres';

/** The parts of a rendered Cluster the import reads. */
export interface ClusterImport {
  readonly initdb: {
    readonly database: string;
    readonly owner: string;
    readonly import: {
      readonly type: 'microservice' | 'monolith';
      readonly databases: readonly string[];
      readonly roles?: readonly string[];
      readonly source: { readonly externalCluster: string };
      readonly pgDumpExtraOptions?: readonly string[];
      readonly pgRestoreExtraOptions?: readonly string[];
    };
  };
  readonly externalCluster: {
    readonly connectionParameters: Readonly<Record<string, string>>;
  };
}

/** Where the test's source server really listens (the rendered host is a Kubernetes Service) and the password the Secret would hold. */
export interface Origin {
  readonly host: string;
  readonly port: number;
  readonly password: string;
}

/** The rendered Cluster's import and its externalClusters entry. */
export function clusterImport(cluster: Record<string, any>): ClusterImport {
  const initdb = cluster.spec.bootstrap.initdb;
  const externalCluster = cluster.spec.externalClusters.find((e: { name: string }) => e.name === initdb.import.source.externalCluster);
  return { initdb, externalCluster };
}

const SECTIONS = ['pre-data', 'data', 'post-data'] as const;
/** role.go: never imported. */
const SKIPPED_ROLES = ['postgres', 'streaming_replica', 'cnpg_pooler_pgbouncer', 'cnpg_metrics_exporter'];

/** A log of every command the import ran, as the instance manager logs them. */
export interface ImportRun {
  readonly commands: string[];
  /** The first failing command's output, if any (the import stops there, as CNPG's does). */
  readonly failure?: string;
}

class Failed extends Error {}

/** Runs the import of `spec` from `origin` into `destination`, a fresh server (initdb done). */
export function runLogicalImport(spec: ClusterImport, origin: Origin, destination: PostgresServer): ImportRun {
  const commands: string[] = [];
  const imp = spec.initdb.import;
  // pool.go: the base connection string is the externalCluster's parameters; here host and port are the test server's.
  const params = { ...spec.externalCluster.connectionParameters, host: origin.host, port: String(origin.port) };
  const base = Object.entries(params)
    .filter(([k]) => k !== 'dbname')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const originDsn = (db: string) => `${base} dbname=${db}`;
  const originEnv = { PGPASSWORD: origin.password, PGCONNECT_TIMEOUT: '10' };
  const destDsn = (db: string) => `host=${destination.root} port=${destination.port} user=postgres dbname=${db}`;
  const run = (cmd: string[], env: Record<string, string> = {}): RunResult => {
    commands.push(cmd.join(' '));
    const r = runAsPostgres(cmd, env, { timeoutMs: 300_000 });
    if (r.status !== 0) throw new Failed(`${cmd.join(' ')} → ${r.status}\n${r.stdout}\n${r.stderr}`);
    return r;
  };
  const psql = (dsn: string, sql: string, env: Record<string, string> = {}) =>
    run([`${PG_BIN}/psql`, '-X', '-v', 'ON_ERROR_STOP=1', '-Atc', sql, dsn], env).stdout.trim();
  /** role.go and roleinheritance.go log a failing statement and go on. */
  const psqlTolerant = (dsn: string, sql: string) => {
    commands.push(`psql ${sql}`);
    runAsPostgres([`${PG_BIN}/psql`, '-X', '-Atc', sql, dsn]);
  };
  const dumps = postgresDir('pgfleet-cnpg-dumps-');
  const file = (db: string) => path.join(dumps, `${db}.dump`);
  const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
  const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

  try {
    // initdb.go ConfigureNewInstance: the owner and the application database exist before the import.
    const owner = spec.initdb.owner;
    if (psql(destDsn('postgres'), `SELECT count(*) FROM pg_roles WHERE rolname = ${literal(owner)}`) === '0')
      psql(destDsn('postgres'), `CREATE ROLE ${quote(owner)} LOGIN`);
    if (psql(destDsn('postgres'), `SELECT count(*) FROM pg_database WHERE datname = ${literal(spec.initdb.database)}`) === '0')
      psql(destDsn('postgres'), `CREATE DATABASE ${quote(spec.initdb.database)} OWNER ${quote(owner)}`);

    const exportDatabases = (databases: readonly string[]) => {
      for (const db of databases) {
        run(
          [
            `${PG_BIN}/pg_dump`,
            '-Fd',
            '-f',
            file(db),
            '-d',
            originDsn(db),
            '-v',
            ...SECTIONS.map((s) => `--section=${s}`),
            ...(imp.pgDumpExtraOptions ?? []),
          ],
          originEnv,
        );
      }
    };
    const restoreFlags = imp.pgRestoreExtraOptions ?? [];

    if (imp.type === 'microservice') {
      exportDatabases(imp.databases);
      // database.go dropExtensionsFromDatabase: the fresh application database gets only what is imported.
      const app = spec.initdb.database;
      for (const ext of psql(destDsn(app), 'SELECT extname FROM pg_catalog.pg_extension WHERE oid >= 16384').split('\n').filter(Boolean))
        psqlTolerant(destDsn(app), `DROP EXTENSION ${quote(ext)}`);
      // importDatabaseContent: the owner is superuser while pg_restore runs as it.
      psql(destDsn(app), `ALTER USER ${quote(owner)} SUPERUSER`);
      for (const s of SECTIONS) {
        run([
          `${PG_BIN}/pg_restore`,
          ...restoreFlags,
          '-U',
          'postgres',
          '--no-owner',
          '--no-privileges',
          `--role=${owner}`,
          '-d',
          destDsn(app),
          '--section',
          s,
          file(imp.databases[0]),
        ]);
      }
      psql(destDsn(app), `ALTER USER ${quote(owner)} NOSUPERUSER`);
      psql(destDsn(app), 'ANALYZE VERBOSE');
      return { commands };
    }

    // monolith.go: roles first (when listed), then each database.
    if (imp.roles?.length) {
      const rows = psql(
        originDsn('postgres'),
        'SELECT json_agg(r) FROM (SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolconnlimit, rolpassword, rolvaliduntil, rolbypassrls FROM pg_catalog.pg_authid WHERE oid >= 16384 ORDER BY 1) r',
        originEnv,
      );
      const roles = (JSON.parse(rows || '[]') ?? []) as Record<string, any>[];
      for (const r of roles) {
        if ([...SKIPPED_ROLES, owner].includes(r.rolname)) continue;
        if (!imp.roles.includes('*') && !imp.roles.includes(r.rolname)) continue;
        // role.go createSQLStatement (SUPERUSER removed before).
        let q = `CREATE ROLE ${quote(r.rolname)} WITH `;
        if (r.rolcreatedb) q += 'CREATEDB ';
        q += r.rolcanlogin ? 'LOGIN ' : 'NOLOGIN ';
        if (r.rolinherit) q += 'INHERIT ';
        if (r.rolcreaterole) q += 'CREATEROLE ';
        if (r.rolbypassrls) q += 'BYPASSRLS ';
        if (r.rolvaliduntil) q += `VALID UNTIL ${literal(r.rolvaliduntil)} `;
        if (r.rolpassword) q += `PASSWORD ${literal(r.rolpassword)} `;
        q += `CONNECTION LIMIT ${r.rolconnlimit}`;
        psqlTolerant(destDsn('postgres'), q);
      }
      const grants = psql(
        originDsn('postgres'),
        'SELECT json_agg(g) FROM (SELECT ur.rolname AS roleid, um.rolname AS member, a.admin_option, ug.rolname AS grantor FROM pg_catalog.pg_auth_members a LEFT JOIN pg_catalog.pg_authid ur on ur.oid = a.roleid LEFT JOIN pg_catalog.pg_authid um on um.oid = a.member LEFT JOIN pg_catalog.pg_authid ug on ug.oid = a.grantor WHERE ur.oid >= 16384 AND um.oid >= 16384) g',
        originEnv,
      );
      for (const g of (JSON.parse(grants || '[]') ?? []) as Record<string, any>[]) {
        let q = `GRANT ${quote(g.roleid)} TO ${quote(g.member)} `;
        if (g.admin_option) q += 'WITH ADMIN OPTION ';
        if (g.grantor) q += `GRANTED BY ${quote(g.grantor)}`;
        psqlTolerant(destDsn('postgres'), q);
      }
    }
    const databases = imp.databases.includes('*')
      ? psql(
          originDsn('postgres'),
          "SELECT datname FROM pg_catalog.pg_database d WHERE datallowconn AND NOT datistemplate AND datallowconn AND datname != 'postgres' ORDER BY datname",
          originEnv,
        )
          .split('\n')
          .filter(Boolean)
      : imp.databases;
    exportDatabases(databases);
    for (const db of databases) {
      for (const s of SECTIONS) {
        const exists = psql(
          destDsn('postgres'),
          `SELECT EXISTS(SELECT datname FROM pg_catalog.pg_database WHERE datname = ${literal(db)})`,
        );
        const create = exists === 't' ? [] : ['--create'];
        run([
          `${PG_BIN}/pg_restore`,
          ...create,
          ...restoreFlags,
          '-U',
          'postgres',
          '-d',
          destDsn(exists === 't' ? db : 'postgres'),
          '--section',
          s,
          file(db),
        ]);
      }
    }
    for (const db of databases) psql(destDsn(db), 'ANALYZE VERBOSE');
    return { commands };
  } catch (e) {
    if (e instanceof Failed) return { commands, failure: e.message };
    throw e;
  }
}
