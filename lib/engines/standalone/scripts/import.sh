cd "$DUMP_DIR"
file="${DUMP_FILE:-}"
if [ -z "$file" ]; then
  for f in *.sql.gz; do if [ -f "$f.sha512" ]; then file="$f"; fi; done
  [ -n "$file" ] || fail "no dump with a .sha512 in $DUMP_DIR"
fi
# The dump Job writes the checksum last: once it exists, the dump is complete.
wait_for "$DUMP_DIR/$file.sha512" test -f "$file.sha512"
[ -f "$file" ] || fail "$DUMP_DIR/$file.sha512 exists but $file does not"
expected=$(cut -d' ' -f1 < "$file.sha512")
[[ "$expected" =~ ^[0-9a-f]{128}$ ]] || fail "$file.sha512 holds no sha512 sum"
actual=$(sha512sum < "$file" | cut -d' ' -f1)
[ "$actual" = "$expected" ] || fail "REFUSING TO IMPORT $file: its sha512 is $actual but the dump recorded $expected (the file changed after it was written)"
gzip -t -- "$file" || fail "REFUSING TO IMPORT $file: not a valid gzip file"
echo "pgfleet: sha512 of $file verified ($expected)"
wait_for "$PGHOST:$PGPORT" pg_isready --quiet --dbname=postgres
q() { psql -XAtq --no-password -v ON_ERROR_STOP=1 --dbname=postgres -c "$1"; }
others=$(q "select coalesce(string_agg(datname, ', ' order by datname), '') from pg_database where datname not in ('postgres', 'template0', 'template1')")
relations=$(q "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_toast%'")
[ -z "$others" ] && [ "$relations" = 0 ] || fail "REFUSING TO IMPORT into $PGHOST: the server is not empty (databases: ${others:-none}; relations in postgres: $relations); a dump is imported once, into a new server"
echo "pgfleet: importing $file into $PGHOST:$PGPORT (server $(q 'show server_version'))"
gzip -dc -- "$file" \
  | awk 'BEGIN { u = ENVIRON["PGUSER"]; plain = "CREATE ROLE " u ";"; quoted = "CREATE ROLE \"" u "\";" }
         !roles_done && /^\\connect / { roles_done = 1 }
         !roles_done && !skipped && ($0 == plain || $0 == quoted) { skipped = 1; next }
         { print }' \
  | psql -X --quiet --no-password -v ON_ERROR_STOP=1 --dbname=postgres > /dev/null
vacuumdb --all --analyze-only --quiet --no-password
echo "pgfleet: imported $file into $PGHOST and analyzed every database"
