import type { SpiloDatabaseSpec } from './spilo-schema';
import type { MigrationSource } from '../../model/migration';
import type { ResolvedDatabase, ResolvedGeneration } from '../../model/resolved';
import { PASSWORD_KEYS, patroniPodLabels, POSTGRES_PORT } from './spilo-chart';

/**
 * How another engine copies a Spilo generation (engine migration): through the chart's Service
 * `<scope>`, which follows the Patroni leader, as Spilo's superuser `postgres` with the password
 * the chart generated into its Secret `<scope>` (`password-superuser`). The superuser, because
 * pg_dump must read every object of the database whoever owns it, and a monolith import reads
 * the roles from pg_authid, which only a superuser may; the chart's `admin` is no superuser.
 * Spilo refuses connections without TLS from other hosts (`hostnossl all all all reject`), so
 * `sslmode=require` (its certificate is self-signed). Spilo's post_init puts its monitoring and
 * user-management schemas and the pg_stat_kcache and set_user extensions into template1, hence
 * into every database created later: they are Spilo's, not the application's, and other images
 * lack the extensions, so the copy leaves them out (pg_stat_statements is carried).
 *
 * @see https://github.com/zalando/spilo/blob/2.1-p2/postgres-appliance/scripts/post_init.sh
 */
export function spiloMigrationSource(db: ResolvedDatabase<SpiloDatabaseSpec>, gen: ResolvedGeneration): MigrationSource {
  return {
    host: `${gen.name}.${db.namespace}.svc`,
    port: POSTGRES_PORT,
    user: 'postgres',
    password: { name: gen.name, key: PASSWORD_KEYS.postgres },
    why: "Spilo's superuser (the chart's Secret): pg_dump must read every object whoever owns it, and roles are read from pg_authid",
    sslMode: 'require',
    database: db.spec.database,
    serverPods: patroniPodLabels(gen.name),
    engineObjects: { schemas: ['metric_helpers', 'user_management'], extensions: ['pg_stat_kcache', 'set_user'] },
  };
}
