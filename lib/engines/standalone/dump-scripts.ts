/**
 * The shell scripts of the standalone engine's Jobs, exactly as rendered into their `args`: the
 * `.sh` files beside this one, imported as text (see lib/text-imports.d.ts) and composed by
 * shellScript (lib/constructs/shell-script.ts: their shellcheck directive lines dropped).
 *
 * Every script takes its inputs from environment variables (libpq's PGHOST/PGPORT/PGUSER/
 * PGPASSWORD plus DUMP_* paths), so the text synthesized into a Job runs unchanged against
 * throwaway servers in a test (test/integration/standalone-dump-restore.test.ts), and shellcheck
 * checks every file and every rendered script (test/integration/standalone-shellcheck.test.ts).
 *
 * The checksum protocol: a dump is written as `<file>.partial`, tested with `gzip -t`, moved to
 * `<file>`, and only then is `<file>.sha512` written (also via a temporary name). A reader that
 * sees the `.sha512` therefore sees a complete dump; the import recomputes the sha512 and refuses
 * to touch the server when it differs. (The seed hashed `backup.sql` after gzip had renamed it.)
 * blackbox's dumps have no checksum: their import (`DUMP_VERIFY=gzip`) checks the gzip CRC and
 * length; every import checks that the dump ends with pg_dumpall's closing comment.
 */
import { shellScript } from '../../constructs/shell-script';
import PRELUDE from './job-prelude.sh';
import DUMP from './dump.sh';
import IMPORT from './import.sh';
import UPLOAD from './upload.sh';
import FETCH from './fetch.sh';
import BLACKBOX_FETCH from './blackbox-fetch.sh';

/**
 * `pg_dumpall | gzip` of the server at PGHOST into DUMP_DIR, then its sha512 (bash: job-prelude.sh,
 * i.e. strict mode, the wait loop and `fail`, then dump.sh).
 */
export const DUMP_SCRIPT = shellScript(PRELUDE, DUMP);

/** Verifies a dump, then imports it into the (empty) server at PGHOST (bash: job-prelude.sh + import.sh). */
export const IMPORT_SCRIPT = shellScript(PRELUDE, IMPORT);

/** Uploads a generation's dumps to an rclone remote path, then applies the retention (POSIX sh: the rclone image). */
export const UPLOAD_SCRIPT = shellScript(UPLOAD);

/** Downloads one dump and its checksum from an rclone remote path (POSIX sh: the rclone image). */
export const FETCH_SCRIPT = shellScript(FETCH);

/** Downloads one of blackbox's dumps from the bucket of a storage target (POSIX sh: the rclone image). */
export const BLACKBOX_FETCH_SCRIPT = shellScript(BLACKBOX_FETCH);
