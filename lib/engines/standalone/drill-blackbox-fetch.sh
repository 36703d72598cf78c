# shellcheck shell=sh
set -eu
: "${DUMP_DIR:?}" "${SRC:?}"
file=$(rclone lsf --files-only --format tp --include '*_blackbox_*.sql' "$SRC" | LC_ALL=C sort | tail -n 1 | cut -d';' -f2)
[ -n "$file" ] || { echo "pgfleet drill: FAILED: no blackbox dump in $SRC" >&2; exit 1; }
mkdir -p "$DUMP_DIR"
rclone copyto "$SRC/$file" "$DUMP_DIR/$file"
echo "pgfleet drill: fetched $SRC/$file"
