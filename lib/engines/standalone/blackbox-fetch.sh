# shellcheck shell=sh
# pgfleet blackbox fetch (POSIX sh: the rclone image): downloads one of blackbox's dumps from the
# rclone remote path SRC (the bucket of a blackbox storage target) into DUMP_DIR. DUMP_FILE unset
# or empty = the newest <DUMP_PREFIX>_blackbox_*.sql.gz by upload time (blackbox's names carry
# DD_MM_YYYY, which does not sort). rclone checks the download against the object's MD5 where the
# store has one (not for multipart uploads); the import checks the gzip CRC either way.
set -eu
: "${DUMP_DIR:?}" "${SRC:?}" "${DUMP_PREFIX:?}"
file="${DUMP_FILE:-}"
if [ -z "$file" ]; then
  file=$(rclone lsf --files-only --format tp --include "${DUMP_PREFIX}_blackbox_*.sql.gz" "$SRC" | LC_ALL=C sort | tail -n 1 | cut -d';' -f2-)
  [ -n "$file" ] || { echo "pgfleet: no ${DUMP_PREFIX}_blackbox_*.sql.gz in $SRC" >&2; exit 1; }
fi
rclone copyto "$SRC/$file" "$DUMP_DIR/$file.partial"
mv -f "$DUMP_DIR/$file.partial" "$DUMP_DIR/$file"
echo "pgfleet: fetched $SRC/$file"
