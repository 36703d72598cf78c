# shellcheck shell=bash
# pgfleet import: verifies a gzipped pg_dumpall in DUMP_DIR, then imports it into the (empty)
# server at PGHOST with psql ON_ERROR_STOP=1, so any SQL error fails the Job. Nothing reaches the
# server before the checks pass and the server is found empty.
#
# DUMP_VERIFY=sha512 (default, pgfleet's dumps): the sha512 recorded beside the dump must match;
#   DUMP_FILE unset = the newest *.sql.gz with a .sha512, waited for (the dump Job writes it last).
# DUMP_VERIFY=gzip (blackbox's dumps, which carry no checksum): the gzip CRC and length, and the
#   dump's last line; DUMP_FILE unset = the one *.sql.gz in DUMP_DIR.
# Either way the dump must end with pg_dumpall's closing comment: a cut-off dump is refused.
#
# The one statement dropped from the dump is `CREATE ROLE <PGUSER>;` in the roles section: the
# image's initdb created that role already, and the `ALTER ROLE` after it still sets its attributes.
cd "$DUMP_DIR" || fail "cannot enter $DUMP_DIR"
file="${DUMP_FILE:-}"
case "${DUMP_VERIFY:-sha512}" in
  sha512)
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
    verified="sha512 of $file verified ($expected)"
    ;;
  gzip)
    if [ -z "$file" ]; then
      set -- *.sql.gz
      [ -f "$1" ] || fail "no *.sql.gz in $DUMP_DIR"
      [ "$#" = 1 ] || fail "several dumps in $DUMP_DIR ($*): set DUMP_FILE"
      file="$1"
    fi
    [ -f "$file" ] || fail "no $file in $DUMP_DIR"
    verified="$file has no recorded checksum; its gzip CRC and length verified"
    ;;
  *) fail "DUMP_VERIFY is sha512 or gzip, not ${DUMP_VERIFY}" ;;
esac
# One pass over the whole file: gzip checks its CRC and length at the end, tail keeps the last lines.
last=$(gzip -dc -- "$file" | tail -n 8) || fail "REFUSING TO IMPORT $file: not a valid gzip file"
grep -qx -- '-- PostgreSQL database cluster dump complete' <<< "$last" ||
  fail "REFUSING TO IMPORT $file: it does not end with pg_dumpall's closing comment (a cut-off dump, or not made by pg_dumpall)"
echo "pgfleet: $verified"
wait_for "$PGHOST:$PGPORT" pg_isready --quiet --dbname=postgres
q() { psql -XAtq --no-password -v ON_ERROR_STOP=1 --dbname=postgres -c "$1"; }
others=$(q "select coalesce(string_agg(datname, ', ' order by datname), '') from pg_database where datname not in ('postgres', 'template0', 'template1')")
relations=$(q "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\_toast%'")
if [ -n "$others" ] || [ "$relations" != 0 ]; then
  fail "REFUSING TO IMPORT into $PGHOST: the server is not empty (databases: ${others:-none}; relations in postgres: $relations); a dump is imported once, into a new server"
fi
echo "pgfleet: importing $file into $PGHOST:$PGPORT (server $(q 'show server_version'))"
gzip -dc -- "$file" \
  | awk 'BEGIN { u = ENVIRON["PGUSER"]; plain = "CREATE ROLE " u ";"; quoted = "CREATE ROLE \"" u "\";" }
         !roles_done && /^\\connect / { roles_done = 1 }
         !roles_done && !skipped && ($0 == plain || $0 == quoted) { skipped = 1; next }
         { print }' \
  | psql -X --quiet --no-password -v ON_ERROR_STOP=1 --dbname=postgres > /dev/null
vacuumdb --all --analyze-only --quiet --no-password
echo "pgfleet: imported $file into $PGHOST and analyzed every database"
