/**
 * The standalone part of the restore drill, after DRILL_PRELUDE and DUMP_DRILL_FUNCTIONS
 * (lib/constructs/): the newest dump in DUMP_DIR (pgfleet's `<generation>-<stamp>.sql.gz` with its
 * `.sha512`, verified first; or blackbox's plain `.sql`), loaded whole (`pg_dumpall`: roles and
 * every database) into a scratch server.
 *
 * Env: DUMP_DIR (the generation's dump folder, read-only, or where the fetch step put the file),
 * DUMP_PATTERN (`<generation>-*.sql.gz` or `*.sql`).
 */
export const STANDALONE_DRILL_SCRIPT = `: "\${DUMP_DIR:?DUMP_DIR holds the dumps}" "\${DUMP_PATTERN:?DUMP_PATTERN names them}"
file=""
for f in "$DUMP_DIR"/$DUMP_PATTERN; do
  if [ -f "$f" ] && { [ -f "$f.sha512" ] || [ "\${f%.gz}" = "$f" ]; }; then file="$f"; fi
done
[ -n "$file" ] || fail "no complete dump $DUMP_PATTERN in $DUMP_DIR"
DRILL_BACKUP="\${file##*/}"
if [ -f "$file.sha512" ]; then
  expected=$(cut -d' ' -f1 < "$file.sha512")
  actual=$(sha512sum < "$file" | cut -d' ' -f1)
  [ "$actual" = "$expected" ] || fail "$DRILL_BACKUP: its sha512 is $actual but the dump recorded $expected (the file changed after it was written)"
  say "sha512 of $DRILL_BACKUP verified"
fi
case "$file" in *.gz) gzip -t -- "$file" 2> /dev/null || fail "$DRILL_BACKUP is not a complete gzip file" ;; esac
RESTORED_TO=$(file_time "$file")
say "restoring dump $DRILL_BACKUP into a scratch server"
start_empty
load_dump "$file" postgres
run_check
`;

/**
 * Downloads the newest blackbox dump (`*_blackbox_*.sql`, newest by upload time: blackbox's
 * date format need not sort) of an rclone remote path (SRC) into DUMP_DIR. POSIX sh (rclone image).
 */
export const BLACKBOX_FETCH_SCRIPT = `set -eu
: "\${DUMP_DIR:?}" "\${SRC:?}"
file=$(rclone lsf --files-only --format tp --include '*_blackbox_*.sql' "$SRC" | LC_ALL=C sort | tail -n 1 | cut -d';' -f2)
[ -n "$file" ] || { echo "pgfleet drill: FAILED: no blackbox dump in $SRC" >&2; exit 1; }
mkdir -p "$DUMP_DIR"
rclone copyto "$SRC/$file" "$DUMP_DIR/$file"
echo "pgfleet drill: fetched $SRC/$file"
`;
