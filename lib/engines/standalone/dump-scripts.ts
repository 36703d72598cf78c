/**
 * The shell scripts of the standalone engine's Jobs, exactly as rendered into their `args`.
 *
 * Every script takes its inputs from environment variables (libpq's PGHOST/PGPORT/PGUSER/
 * PGPASSWORD plus DUMP_* paths), so the text synthesized into a Job runs unchanged against
 * throwaway servers in a test (test/integration/standalone-dump-restore.test.ts).
 *
 * The checksum protocol: a dump is written as `<file>.partial`, tested with `gzip -t`, moved to
 * `<file>`, and only then is `<file>.sha512` written (also via a temporary name). A reader that
 * sees the `.sha512` therefore sees a complete dump; the import recomputes the sha512 and refuses
 * to touch the server when it differs. (The seed hashed `backup.sql` after gzip had renamed it.)
 */

/**
 * Shared prelude: strict mode, the wait-for-server loop, failure helper. bash (the official
 * Postgres images, Debian and Alpine, ship it).
 */
const PRELUDE = `set -euo pipefail
export LC_ALL=C
fail() { echo "pgfleet: $*" >&2; exit 1; }
: "\${PGHOST:?PGHOST names the server}" "\${PGUSER:?PGUSER names the superuser}" "\${DUMP_DIR:?DUMP_DIR holds the dumps}"
export PGPORT="\${PGPORT:-5432}" PGCONNECT_TIMEOUT="\${PGCONNECT_TIMEOUT:-10}"
deadline=$(( $(date +%s) + \${WAIT_SECONDS:-600} ))
wait_for() { # wait_for <what> <command...>: retry until the command succeeds or WAIT_SECONDS pass
  local what="$1"; shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "gave up waiting for $what after \${WAIT_SECONDS:-600}s"
    sleep 2
  done
}
`;

/**
 * `pg_dumpall | gzip` of the server at PGHOST into DUMP_DIR, then its sha512.
 *
 * Env: DUMP_FILE (file name) or DUMP_PREFIX (then `<prefix>-<UTC timestamp>.sql.gz`);
 * RETENTION_DAYS (optional: delete `<prefix>-*` dumps older than that after a successful dump).
 */
export const DUMP_SCRIPT = `${PRELUDE}mkdir -p "$DUMP_DIR"
cd "$DUMP_DIR"
file="\${DUMP_FILE:-\${DUMP_PREFIX:?DUMP_FILE or DUMP_PREFIX names the dump}-$(date -u +%Y%m%dT%H%M%SZ).sql.gz}"
wait_for "$PGHOST:$PGPORT" pg_isready --quiet --dbname=postgres
echo "pgfleet: $(pg_dumpall --version) dumping $PGHOST:$PGPORT (server $(psql -XAtq --no-password --dbname=postgres -c 'show server_version'))"
rm -f -- "$file.sha512" "$file.sha512.partial" "$file.partial"
pg_dumpall --no-password | gzip -c > "$file.partial"
gzip -t -- "$file.partial" || fail "$file.partial is not a valid gzip file"
mv -f -- "$file.partial" "$file"
sum=$(sha512sum < "$file" | cut -d' ' -f1)
printf '%s  %s\\n' "$sum" "$file" > "$file.sha512.partial"
mv -f -- "$file.sha512.partial" "$file.sha512"
echo "pgfleet: wrote $DUMP_DIR/$file ($(wc -c < "$file") bytes) sha512 $sum"
if [ -n "\${RETENTION_DAYS:-}" ]; then
  find . -maxdepth 1 -type f -name "\${DUMP_PREFIX:?RETENTION_DAYS needs DUMP_PREFIX}-*.sql.gz*" -mtime "+$RETENTION_DAYS" -print -delete
fi
`;

/**
 * Verifies a dump's sha512, then imports it into the (empty) server at PGHOST with psql
 * `ON_ERROR_STOP=1`: any SQL error fails the Job. Nothing is sent to the server before the
 * checksum and gzip checks pass and the server is found empty.
 *
 * Env: DUMP_FILE (file name in DUMP_DIR; unset or empty = the newest `*.sql.gz` with a `.sha512`).
 * The one statement dropped from the dump is `CREATE ROLE <PGUSER>;` in the roles section: the
 * image's initdb created that role already (the seed's "duplicate errors ... safe to ignore"),
 * and the `ALTER ROLE` after it still sets its attributes.
 */
export const IMPORT_SCRIPT = `${PRELUDE}cd "$DUMP_DIR"
file="\${DUMP_FILE:-}"
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
relations=$(q "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%'")
[ -z "$others" ] && [ "$relations" = 0 ] || fail "REFUSING TO IMPORT into $PGHOST: the server is not empty (databases: \${others:-none}; relations in postgres: $relations); a dump is imported once, into a new server"
echo "pgfleet: importing $file into $PGHOST:$PGPORT (server $(q 'show server_version'))"
gzip -dc -- "$file" \\
  | awk 'BEGIN { u = ENVIRON["PGUSER"]; plain = "CREATE ROLE " u ";"; quoted = "CREATE ROLE \\"" u "\\";" }
         !roles_done && /^\\\\connect / { roles_done = 1 }
         !roles_done && !skipped && ($0 == plain || $0 == quoted) { skipped = 1; next }
         { print }' \\
  | psql -X --quiet --no-password -v ON_ERROR_STOP=1 --dbname=postgres > /dev/null
vacuumdb --all --analyze-only --quiet --no-password
echo "pgfleet: imported $file into $PGHOST and analyzed every database"
`;

/**
 * Uploads the dumps in DUMP_DIR to an rclone remote path (DEST, e.g. `archive:bucket/prefix/gen`),
 * each dump before its checksum, then deletes `<prefix>-*` older than RETENTION_DAYS there.
 * POSIX sh: the rclone image is Alpine with busybox.
 */
export const UPLOAD_SCRIPT = `set -eu
: "\${DUMP_DIR:?}" "\${DEST:?}" "\${DUMP_PREFIX:?}"
cd "$DUMP_DIR"
found=
for sum in "$DUMP_PREFIX"-*.sql.gz.sha512; do
  [ -f "$sum" ] || continue
  file="\${sum%.sha512}"
  rclone copyto --s3-no-check-bucket "$file" "$DEST/$file"
  rclone copyto --s3-no-check-bucket "$sum" "$DEST/$sum"
  echo "pgfleet: uploaded $file to $DEST"
  found=1
done
[ -n "$found" ] || { echo "pgfleet: no dump in $DUMP_DIR to upload" >&2; exit 1; }
if [ -n "\${RETENTION_DAYS:-}" ]; then
  rclone delete --min-age "\${RETENTION_DAYS}d" --include "$DUMP_PREFIX-*.sql.gz*" "$DEST"
fi
`;

/**
 * Downloads one dump and its checksum from an rclone remote path (SRC) into DUMP_DIR, the
 * checksum last. DUMP_FILE unset or empty = the newest `*.sql.gz` there. POSIX sh (rclone image).
 */
export const FETCH_SCRIPT = `set -eu
: "\${DUMP_DIR:?}" "\${SRC:?}"
file="\${DUMP_FILE:-}"
if [ -z "$file" ]; then
  file=$(rclone lsf --files-only --include '*.sql.gz' "$SRC" | LC_ALL=C sort | tail -n 1)
  [ -n "$file" ] || { echo "pgfleet: no dump in $SRC" >&2; exit 1; }
fi
rm -f "$DUMP_DIR/$file.sha512"
rclone copyto "$SRC/$file" "$DUMP_DIR/$file"
rclone copyto "$SRC/$file.sha512" "$DUMP_DIR/$file.sha512.partial"
mv -f "$DUMP_DIR/$file.sha512.partial" "$DUMP_DIR/$file.sha512"
echo "pgfleet: fetched $SRC/$file"
`;
