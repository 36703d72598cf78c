# shellcheck shell=sh
# pgfleet fetch (POSIX sh: the rclone image): downloads one dump and its checksum from the rclone
# remote path SRC into DUMP_DIR, the checksum last. DUMP_FILE unset or empty = the newest
# *.sql.gz there (pgfleet's names sort by their UTC timestamp).
set -eu
: "${DUMP_DIR:?}" "${SRC:?}"
file="${DUMP_FILE:-}"
if [ -z "$file" ]; then
  file=$(rclone lsf --files-only --include '*.sql.gz' "$SRC" | LC_ALL=C sort | tail -n 1)
  [ -n "$file" ] || { echo "pgfleet: no dump in $SRC" >&2; exit 1; }
fi
rm -f "$DUMP_DIR/$file.sha512"
rclone copyto "$SRC/$file" "$DUMP_DIR/$file"
rclone copyto "$SRC/$file.sha512" "$DUMP_DIR/$file.sha512.partial"
mv -f "$DUMP_DIR/$file.sha512.partial" "$DUMP_DIR/$file.sha512"
echo "pgfleet: fetched $SRC/$file"
