/**
 * The CloudNativePG part of the restore drill, run after DRILL_PRELUDE (lib/constructs/drill-scripts.ts):
 * the newest completed base backup of the generation's folder, restored with barman-cloud-restore,
 * then WAL replayed to the end of the archive with barman-cloud-wal-restore, the same tools the
 * Barman Cloud plugin runs. Reads only: list, download.
 *
 * Env: BARMAN_DESTINATION (`backup.destinationPath`), BARMAN_SERVER_NAME (the generation's
 * serverName), BARMAN_ENDPOINT_URL (optional), AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
 */
import { drillScript } from '../../constructs/drill-scripts';
import PART from './cnpg-drill.sh';

/** The whole script of the drill's restore container, the part in `cnpg-drill.sh` after the shared shell. */
export const CNPG_DRILL_SCRIPT = drillScript(PART);
