/**
 * The standalone part of the restore drill, after DRILL_PRELUDE and DUMP_DRILL_FUNCTIONS
 * (lib/constructs/): the newest dump in DUMP_DIR (pgfleet's `<generation>-<stamp>.sql.gz` with its
 * `.sha512`, verified first; or blackbox's plain `.sql`), loaded whole (`pg_dumpall`: roles and
 * every database) into a scratch server.
 *
 * Env: DUMP_DIR (the generation's dump folder, read-only, or where the fetch step put the file),
 * DUMP_PATTERN (`<generation>-*.sql.gz` or `*.sql`).
 */
import { dumpDrillScript } from '../../constructs/dump-drill-scripts';
import { shellScript } from '../../constructs/shell-script';
import BLACKBOX_FETCH from './drill-blackbox-fetch.sh';
import PART from './standalone-drill.sh';

/** The whole script of the drill's restore container, the part in `standalone-drill.sh` after the shared shell. */
export const STANDALONE_DRILL_SCRIPT = dumpDrillScript(PART);

/**
 * Downloads the newest blackbox dump (`*_blackbox_*.sql`, newest by upload time: blackbox's
 * date format need not sort) of an rclone remote path (SRC) into DUMP_DIR. POSIX sh (rclone image).
 */
export const DRILL_BLACKBOX_FETCH_SCRIPT = shellScript(BLACKBOX_FETCH);
