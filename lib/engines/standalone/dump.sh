# shellcheck shell=bash
# pgfleet dump: pg_dumpall | gzip of the server at PGHOST into DUMP_DIR as DUMP_FILE (or
# <DUMP_PREFIX>-<UTC timestamp>.sql.gz), then its sha512 in <file>.sha512, written last: a
# checksum present means a complete dump. With RETENTION_DAYS, <DUMP_PREFIX>-* dumps older than
# that are deleted after a successful dump, never before.
mkdir -p "$DUMP_DIR"
cd "$DUMP_DIR" || fail "cannot enter $DUMP_DIR"
file="${DUMP_FILE:-${DUMP_PREFIX:?DUMP_FILE or DUMP_PREFIX names the dump}-$(date -u +%Y%m%dT%H%M%SZ).sql.gz}"
wait_for "$PGHOST:$PGPORT" pg_isready --quiet --dbname=postgres
echo "pgfleet: $(pg_dumpall --version) dumping $PGHOST:$PGPORT (server $(psql -XAtq --no-password --dbname=postgres -c 'show server_version'))"
rm -f -- "$file.sha512" "$file.sha512.partial" "$file.partial"
pg_dumpall --no-password | gzip -c > "$file.partial"
gzip -t -- "$file.partial" || fail "$file.partial is not a valid gzip file"
mv -f -- "$file.partial" "$file"
sum=$(sha512sum < "$file" | cut -d' ' -f1)
printf '%s  %s\n' "$sum" "$file" > "$file.sha512.partial"
mv -f -- "$file.sha512.partial" "$file.sha512"
echo "pgfleet: wrote $DUMP_DIR/$file ($(wc -c < "$file") bytes) sha512 $sum"
if [ -n "${RETENTION_DAYS:-}" ]; then
  find . -maxdepth 1 -type f -name "${DUMP_PREFIX:?RETENTION_DAYS needs DUMP_PREFIX}-*.sql.gz*" -mtime "+$RETENTION_DAYS" -print -delete
fi
