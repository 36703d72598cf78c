/**
 * The Crunchy PGO part of the restore drill, run after DRILL_PRELUDE (lib/constructs/drill-scripts.ts):
 * the newest backup set (full with its differential and incremental ones) of the repository,
 * restored with `pgbackrest restore`, then WAL replayed to the end of the archive through
 * `pgbackrest archive-get`, as a PGO restore does. pgBackRest only reads the repository here.
 *
 * Env: PGBACKREST_STANZA (PGO's stanza is `db`), PGBACKREST_REPO (the repository's number) and
 * that repository's PGBACKREST_REPO<n>_* options (type, path, bucket, endpoint, region, keys), or
 * a conf.d folder in PGBACKREST_CONFIG_INCLUDE_PATH holding them.
 */
import { drillScript } from '../../constructs/drill-scripts';
import PART from './crunchy-drill.sh';

/** The whole script of the drill's restore container, the part in `crunchy-drill.sh` after the shared shell. */
export const CRUNCHY_DRILL_SCRIPT = drillScript(PART);
