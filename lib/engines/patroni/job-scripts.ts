/**
 * The shell pgfleet's backup-container Jobs run around the image's own `/backup.sh`: the files in
 * `scripts/`, imported as text (lib/text-imports.d.ts) and composed here by shellScript
 * (lib/constructs/shell-script.ts: their shellcheck directive lines dropped), so the manifests
 * carry exactly these files and the tests execute exactly what is rendered. Everything that varies
 * comes from the container's environment; no config value is spliced into shell.
 *
 * What the scripts rely on in the backup-container (read in its sources at every release tag,
 * run for real at 2.3.3 and 2.13.0 by test/integration/patroni-backup-container*.test.ts):
 * - `backup.sh -1` writes `<BACKUP_DIR>[daily|weekly|monthly/]<date>/<host>-<db>_<YYYY-MM-DD_HH-MM-SS>.sql.gz`
 *   through `<file>.in_progress`, prunes, and exits 0 even when the dump failed.
 * - `backup.sh -s -v <spec> -f <file>` restores the file into a scratch server and prints
 *   `Successfully verified backup: <file>`, or `[!!ERROR!!] - Backup verification failed`; it
 *   exits 0 either way.
 * - The dump is gzip'd plain SQL: `pg_dump -Fp`, plus (2.9.0 and later) a
 *   `pg_dumpall --roles-only --no-role-passwords` block, before the data (2.9.x) or after it.
 *
 * Environment, set by the pod templates (`BACKUP_SH` and `POLL_SECONDS` only by tests): see the
 * head of each file.
 *
 * @see https://github.com/bcgov/backup-container/blob/master/docker/backup.postgres.plugin
 */
import { shellScript } from '../../constructs/shell-script';
import backupJob from './scripts/backup-job.sh';
import common from './scripts/common.sh';
import dumpPart from './scripts/dump-part.sh';
// The dumps of one database on the backup volume, as backup.sh names them (the drill reads them too).
import dumps from './scripts/dumps.sh';
import restore from './scripts/restore.sh';
import restoreJob from './scripts/restore-job.sh';
import selectDump from './scripts/select-dump.sh';
import takeDump from './scripts/take-dump.sh';
import upgradeJob from './scripts/upgrade-job.sh';
import verifyJob from './scripts/verify-job.sh';

/** Backup CronJob, one-off and safety dump Jobs: one dump of one database. */
export const BACKUP_SCRIPT = shellScript(common, dumps, takeDump, backupJob);

/** Restore Job: pick a dump of the source generation and load it into the target. */
export const RESTORE_SCRIPT = shellScript(common, dumps, dumpPart, selectDump, restore, restoreJob);

/** Upgrade Job: a fresh dump of the source generation, loaded into the new generation. */
export const UPGRADE_SCRIPT = shellScript(common, dumps, dumpPart, takeDump, restore, upgradeJob);

/** Verification CronJob: every database's newest dump restores in the image's scratch server. */
export const VERIFY_SCRIPT = shellScript(common, dumps, dumpPart, verifyJob);

/** Every script a Job runs, by name (tests run shellcheck over them). */
export const JOB_SCRIPTS = { backup: BACKUP_SCRIPT, restore: RESTORE_SCRIPT, upgrade: UPGRADE_SCRIPT, verify: VERIFY_SCRIPT } as const;
