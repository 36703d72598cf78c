/**
 * The Spilo part of the restore drill, after DRILL_PRELUDE (lib/constructs/drill-scripts.ts): the
 * newest WAL-G base backup of the generation's prefix, fetched with `wal-g backup-fetch`, then WAL
 * replayed to the end of the archive with `wal-g wal-fetch`, as a Spilo clone does. WAL-G only
 * reads the prefix here.
 *
 * Env: WALG_GS_PREFIX (the generation's prefix), GOOGLE_APPLICATION_CREDENTIALS (a key that can
 * read it).
 */
import { drillScript } from '../../constructs/drill-scripts';
import PART from './spilo-drill.sh';

/** The whole script of the drill's restore container, the part in `spilo-drill.sh` after the shared shell. */
export const SPILO_DRILL_SCRIPT = drillScript(PART);
