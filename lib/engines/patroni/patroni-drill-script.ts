/**
 * The Patroni part of the restore drill, after DRILL_PRELUDE and DUMP_DRILL_FUNCTIONS
 * (lib/constructs/): the newest complete dump of one database that the backup-container wrote
 * (`<BACKUP_DIR>/{daily,weekly,monthly}/<date>/<host>-<db>_<YYYY-MM-DD_HH-MM-SS>.sql.gz`: its
 * roles, then `pg_dump -Fp`), picked by the exact stamp in its name as the restore Job picks it
 * (so `<host>-<db>_audit_…` is not <db>'s), checked with gzip and for pg_dump's closing line,
 * loaded into a new database of a scratch server. The backup volume is mounted read-only.
 *
 * Env: BACKUP_DIR (the backup volume), DUMP_PREFIX (`<host>-<db>`).
 */
import { dumpDrillScript } from '../../constructs/dump-drill-scripts';
import PART from './patroni-drill.sh';
import DUMPS from './scripts/dumps.sh';

/** The drill's restore container script: the shared shell, the backup volume's dumps (`scripts/dumps.sh`), `patroni-drill.sh`. */
export const PATRONI_DRILL_SCRIPT = dumpDrillScript(DUMPS, PART);
