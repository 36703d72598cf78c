import type { StandaloneDatabaseSpec } from './standalone-schema';
import type { MigrationSource } from '../../model/migration';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { headlessServiceName, POSTGRES_PORT } from './standalone-names';
import { superuserSecret } from './superuser-secret';

/**
 * How another engine copies a standalone generation (engine migration): through the generation's
 * own headless Service (the application Service follows `serving`), as the superuser from the
 * database's superuser Secret (the one the server and every Job read). The superuser, because
 * pg_dump must read every object whoever owns it and a monolith import reads pg_authid; the
 * consumers' login owns only its own. Its name is in that Secret, but CloudNativePG takes the user
 * as a literal: `postgres`, the image's default (`migrateFrom.sourceUser` for another). The
 * servers are isolated by the database's NetworkPolicy, so the importer is admitted by a policy
 * of its own.
 */
export function standaloneMigrationSource(db: ResolvedDatabase<StandaloneDatabaseSpec>, gen: ResolvedGeneration): MigrationSource {
  const secret = superuserSecret(db.spec, db.name);
  return {
    host: `${headlessServiceName(gen.name)}.${db.namespace}.svc`,
    port: POSTGRES_PORT,
    user: 'postgres',
    password: { name: secret.name, key: secret.passwordKey },
    why: "the server's superuser (the database's superuser Secret): pg_dump must read every object whoever owns it, and roles are read from pg_authid",
    sslMode: 'prefer',
    database: db.spec.connection.database,
    serverPods: { 'pgfleet.io/database': db.name, 'pgfleet.io/generation': gen.name, 'pgfleet.io/role': 'server' },
    engineObjects: { schemas: [], extensions: [] },
  };
}
