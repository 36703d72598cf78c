/**
 * The Patroni part of the restore drill, after DRILL_PRELUDE and DUMP_DRILL_FUNCTIONS
 * (lib/constructs/): the newest complete dump of one database that the backup-container wrote
 * (`<BACKUP_DIR>/{daily,weekly,monthly}/<date>/<host>-<db>_<YYYY-MM-DD_HH-MM-SS>.sql.gz`: its
 * roles, then `pg_dump -Fp`; the newest by the stamp in the name, `.in_progress` files excluded),
 * checked with gzip, loaded into a new database of a scratch server. The backup volume is
 * mounted read-only.
 *
 * Env: BACKUP_DIR (the backup volume), DUMP_PREFIX (`<host>-<db>`).
 */
import { dumpDrillScript } from '../../constructs/dump-drill-scripts';
import PART from './patroni-drill.sh';

/** The whole script of the drill's restore container, the part in `patroni-drill.sh` after the shared shell. */
export const PATRONI_DRILL_SCRIPT = dumpDrillScript(PART);
