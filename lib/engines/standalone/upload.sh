# shellcheck shell=sh
# pgfleet upload (POSIX sh: the rclone image is Alpine with busybox): uploads the dumps in
# DUMP_DIR to the rclone remote path DEST (e.g. `archive:bucket/prefix/gen`), each dump before its
# checksum, then deletes <DUMP_PREFIX>-* older than RETENTION_DAYS there.
set -eu
: "${DUMP_DIR:?}" "${DEST:?}" "${DUMP_PREFIX:?}"
cd "$DUMP_DIR"
found=
for sum in "$DUMP_PREFIX"-*.sql.gz.sha512; do
  [ -f "$sum" ] || continue
  file="${sum%.sha512}"
  rclone copyto --s3-no-check-bucket "$file" "$DEST/$file"
  rclone copyto --s3-no-check-bucket "$sum" "$DEST/$sum"
  echo "pgfleet: uploaded $file to $DEST"
  found=1
done
[ -n "$found" ] || { echo "pgfleet: no dump in $DUMP_DIR to upload" >&2; exit 1; }
if [ -n "${RETENTION_DAYS:-}" ]; then
  rclone delete --min-age "${RETENTION_DAYS}d" --include "$DUMP_PREFIX-*.sql.gz*" "$DEST"
fi
