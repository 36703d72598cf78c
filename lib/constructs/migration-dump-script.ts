import MIGRATION_DUMP from './migration-dump.sh';
import { shellScript } from './shell-script';

/**
 * The script of an engine migration's dump/restore Job (`migrateFrom.method: dump`), for targets
 * whose operator has no logical import of its own. It runs in the new generation's image, so
 * pg_dump is the new major's (a newer pg_dump reads an older server, never the reverse), and
 * copies, as CloudNativePG's monolith import does: the roles from the source's pg_authid
 * (passwords included, SUPERUSER dropped, both superusers skipped) and their memberships, then
 * each database as it is (`pg_dump -Fc | pg_restore --create --exit-on-error`), then ANALYZE.
 * It refuses a target that already holds a database, and stops at the first error.
 *
 * Environment: SOURCE_HOST, SOURCE_PORT, SOURCE_USER, SOURCE_PASSWORD, SOURCE_SSLMODE (the
 * source, as its engine publishes it), PGHOST, PGPORT, PGUSER, PGPASSWORD (the new server's
 * superuser), DATABASES and ROLES (space-separated; ROLES `*` for every role), DUMP_OPTIONS
 * (space-separated pg_dump options), WAIT_SECONDS.
 */
export const MIGRATION_DUMP_SCRIPT = shellScript(MIGRATION_DUMP);
