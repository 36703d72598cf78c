/**
 * The shell every engine's restore drill shares, exactly as rendered into the drill container's
 * `args` (bash: every PostgreSQL image pgfleet drills with has it). An engine's drill script is
 * `drillScript(<its own part>)` (e.g. lib/engines/cnpg/cnpg-drill-script.ts), whose part
 * restores into `$PGDATA` and calls `start_restored` (a physical backup: WAL is replayed to the
 * end of the archive) or `start_empty` plus an import (a dump), then `run_check`.
 *
 * The shell is in `drill-prelude.sh` beside this module (imported as text, composed by
 * shellScript, lib/constructs/shell-script.ts); tests run the very same text against real
 * PostgreSQL and the real backup tools (test/integration/restore-drill*.test.ts).
 *
 * Inputs (environment): DRILL_SCRATCH (the scratch volume: the copy is restored below it and
 * removed on exit, passed or failed), DRILL_STATUS (a folder the outcome is written to, for the
 * recorder container), CHECK_DATABASE, CHECK_QUERY and one of CHECK_AT_LEAST / CHECK_EQUALS;
 * optional DRILL_SUPERUSER (default postgres), RECOVERY_SECONDS (default 3000: how long WAL replay
 * may take). The outcome: exit status 0 only when the backup restored and the check held, and
 * `$DRILL_STATUS/patch.json`, a ConfigMap merge patch with lastSuccess, backup, restoredTo and
 * checkValue.
 */
import PRELUDE from './drill-prelude.sh';
import { shellScript } from './shell-script';

/** The prelude alone, as rendered at the head of every drill script. */
export const DRILL_PRELUDE = shellScript(PRELUDE);

/** A drill container's script: DRILL_PRELUDE, then the parts (texts of `.sh` files), composed by shellScript. */
export const drillScript = (...parts: readonly string[]): string => shellScript(PRELUDE, ...parts);
