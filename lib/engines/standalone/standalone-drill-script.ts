/**
 * The standalone part of the restore drill, after DRILL_PRELUDE and DUMP_DRILL_FUNCTIONS
 * (lib/constructs/): the newest dump in DUMP_DIR (pgfleet's `<generation>-<stamp>.sql.gz` with its
 * `.sha512`, verified first; or blackbox's `<id>_blackbox_<date>.sql.gz`, which has no checksum:
 * its gzip CRC and length are checked), loaded whole (`pg_dumpall`: roles and every database) into
 * a scratch server.
 *
 * Env: DUMP_DIR (the generation's dump folder, read-only, or where the fetch step put the file),
 * DUMP_PATTERN (`<generation>-*.sql.gz` or `<id>_blackbox_*.sql.gz`), DUMP_VERIFY (`sha512`, the
 * default, or `gzip` for blackbox's dumps).
 */
import { dumpDrillScript } from '../../constructs/dump-drill-scripts';
import PART from './standalone-drill.sh';

/** The whole script of the drill's restore container, the part in `standalone-drill.sh` after the shared shell. */
export const STANDALONE_DRILL_SCRIPT = dumpDrillScript(PART);
