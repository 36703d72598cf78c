import type { PatroniDatabaseSpec } from './patroni-schema';
import type { MigrationSource } from '../../model/migration';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { patroniNames } from './patroni-names';
import { POSTGRES_PORT } from './patroni-env';

/**
 * How another engine copies a Patroni generation (engine migration): through its leader Service
 * `<generation>`, as the Patroni superuser with the password from the database's credentials
 * Secret (`credentials.keys.superuserPassword`) — the Secret the StatefulSet and the
 * backup-container already read. The superuser, because pg_dump must read every object whoever
 * owns it and a monolith import reads pg_authid; the application user owns only its own. Its name
 * is in that Secret too, but CloudNativePG takes the user as a literal: `postgres`, as hcap's
 * template sets it (`migrateFrom.sourceUser` for another). The members are isolated by the
 * generation's NetworkPolicy, so the importer is admitted by a policy of its own.
 */
export function patroniMigrationSource(db: ResolvedDatabase<PatroniDatabaseSpec>, gen: ResolvedGeneration): MigrationSource {
  const c = db.spec.credentials;
  return {
    host: `${patroniNames.cluster(gen.name)}.${db.namespace}.svc`,
    port: POSTGRES_PORT,
    user: 'postgres',
    password: {
      name: 'existingSecret' in c ? c.existingSecret.name : patroniNames.vaultCredentials(db.name),
      key: c.keys.superuserPassword,
    },
    why: "the Patroni superuser (the database's credentials Secret): pg_dump must read every object whoever owns it, and roles are read from pg_authid",
    sslMode: 'prefer',
    database: db.spec.database,
    serverPods: { statefulset: patroniNames.cluster(gen.name) },
    engineObjects: { schemas: [], extensions: [] },
  };
}
