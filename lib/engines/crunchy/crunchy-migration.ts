import type { Construct } from 'constructs';
import type { CrunchyDatabaseSpec } from './crunchy-schema';
import type { ConfigIssue } from '../../config/config-error';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { MigrationDumpJob } from '../../constructs/migration-dump-job';
import { userSecretName } from './crunchy-model';

/** The image the copy runs in: the official one of the new major (psql, pg_dump, pg_restore), as user postgres. */
const clientImage = (major: number) => `docker.io/library/postgres:${major}`;
const CLIENT_USER = { uid: 999, gid: 999 };

/** Labels of the copy's pod: the database's own label, which its NetworkPolicy admits to every instance. */
export function crunchyImporterPods(database: string, generation: string): Record<string, string> {
  return { 'pgfleet.io/database': database, 'pgfleet.io/step': 'migrate', 'pgfleet.io/generation': generation };
}

/**
 * PGO has no logical import from a server outside it, so a generation copied into Crunchy (engine
 * migration) starts empty and the shared dump/restore Job fills it through `<cluster>-primary`, as
 * the `postgres` superuser whose Secret `<cluster>-pguser-postgres` PGO writes when `users` lists
 * `postgres` (required here). Its pod carries the database's label, which the database's
 * NetworkPolicy admits.
 *
 * @see https://access.crunchydata.com/documentation/postgres-operator/latest/tutorials/basic-setup/user-management
 */
export function crunchyMigrationJob(scope: Construct, db: ResolvedDatabase<CrunchyDatabaseSpec>, gen: ResolvedGeneration): Construct {
  const secret = userSecretName(gen.name, 'postgres');
  return new MigrationDumpJob(scope, `Migrate-${gen.name}`, {
    name: `${gen.name}-migrate`,
    namespace: db.namespace,
    migration: gen.bootstrap.migration!,
    image: clientImage(gen.postgresVersion),
    user: CLIENT_USER,
    labels: crunchyImporterPods(db.name, gen.name),
    target: [
      { name: 'PGHOST', value: `${gen.name}-primary` },
      { name: 'PGPORT', value: '5432' },
      { name: 'PGUSER', value: 'postgres' },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: secret, key: 'password' } } },
    ],
  });
}

/** The copy writes as `postgres`: PGO publishes its password only for a `postgres` entry in `users`. */
export function checkCrunchyMigrationTarget(db: ResolvedDatabase<CrunchyDatabaseSpec>, gen: ResolvedGeneration): ConfigIssue[] {
  if (db.spec.users.some((u) => u.name === 'postgres')) return [];
  return [
    {
      path: `${db.path}.users`,
      value: db.spec.users.map((u) => u.name),
      allowed: `a user named postgres: the copy into ${gen.name} writes as the superuser, whose Secret ${userSecretName(gen.name, 'postgres')} PGO writes only for a postgres entry in users`,
      fix: 'add {name: postgres} to users (PGO then publishes the superuser password; remove it again after the copy if you like)',
    },
  ];
}
