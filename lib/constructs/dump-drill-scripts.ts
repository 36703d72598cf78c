/**
 * Shell both dump engines' drills share (patroni, standalone), after DRILL_PRELUDE: loading a
 * plain-SQL dump into the scratch server (the shell: `dump-drill-functions.sh` beside this module).
 *
 * `load_dump <file> <database>` streams the file (gzip or plain) into `<database>` with
 * ON_ERROR_STOP=1, so the first failing statement fails the drill. The one statement dropped is
 * `CREATE ROLE <superuser>;` (before the first `\connect`): the scratch server's initdb created
 * that role, and the `ALTER ROLE` after it still applies. If the image has no passwd entry for
 * its uid (OpenShift's arbitrary uids), initdb cannot run: nss_wrapper, where the image ships it,
 * supplies one.
 */
import { drillScript } from './drill-scripts';
import FUNCTIONS from './dump-drill-functions.sh';

/** A dump engine's drill script: DRILL_PRELUDE, these functions, then the engine's parts (the texts of its `.sh` files). */
export const dumpDrillScript = (...parts: readonly string[]): string => drillScript(FUNCTIONS, ...parts);
