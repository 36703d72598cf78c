/**
 * The shell pgfleet's backup-container Jobs run around the image's own `/backup.sh`. The scripts
 * are fixed text: everything that varies comes from the container's environment, so no config
 * value is ever spliced into shell, and the tests run exactly these strings.
 *
 * What the scripts rely on in the backup-container (BCDevOps/backup-container, now
 * bcgov/backup-container; `backup.sh`, `backup.postgres.plugin`), read from the plugin versions
 * found (older ones in forks of the repository, and 2.10.2 and later; not the pinned 2.3.3 tag):
 * - `backup.sh -1` writes `<BACKUP_DIR>[daily|weekly|monthly/]<date>/<host>-<db>_<YYYY-MM-DD_HH-MM-SS>.sql.gz`
 *   through `<file>.in_progress`, and exits 0 even when the dump failed. The file is gzip'd plain
 *   SQL: `pg_dumpall --roles-only --no-role-passwords` (a block between `-- PostgreSQL database
 *   cluster dump` and `... cluster dump complete`) and `pg_dump -Fp` of the database (ending in
 *   `-- PostgreSQL database dump complete`); older releases put the roles first, 2.10.2 and later
 *   after the dump (and strip `CREATE ROLE postgres;` and the quoted form of the dumping user's).
 *   A failed pg_dump can still leave a finished-looking file, hence the completeness checks.
 * - `backup.sh -s -v <spec>` restores the newest dump into a scratch server (`-I`: past errors) and
 *   fails when no table results. Restores do not use `backup.sh -r` (see RESTORE).
 *
 * Environment (set by the pod templates; `BACKUP_SH` and `POLL_SECONDS` only by tests):
 * - `BACKUP_SH` the backup-container script (default `/backup.sh`); `BACKUP_DIR` its root
 *   (`/backups/`); `DUMP_PREFIX` `<host>-<database>`, the prefix of the dumps to take or pick.
 * - selection: `SELECT` = `file` (`BACKUP_FILE`), `before` (`TARGET_STAMP`, the wall clock of
 *   the target time in the backup time zone, `YYYY-MM-DD_HH-MM-SS`) or `latest`.
 * - restore: `TARGET_HOST`, `TARGET_PORT`, `DATABASE`, `PGUSER` + `ADMIN_PASSWORD` (superuser),
 *   `APP_USER` (owner of the database), `RESTORE_MARKER`, `WAIT_SECONDS`, `CONNECTIONS_WAIT_SECONDS`.
 * - verify: `DATABASE_SPECS` (`postgres=<host>:<port>/<db>` …), `MAX_AGE_MINUTES`,
 *   `IN_PROGRESS_WAIT_SECONDS`.
 *
 * The scripts are `String.raw` templates, so backslashes reach bash as written; `${'$'}{` is how
 * such a template writes bash's `${`.
 *
 * @see https://github.com/bcgov/backup-container/blob/master/docker/backup.postgres.plugin
 */

const COMMON = String.raw`set -euo pipefail
shopt -s inherit_errexit
# Messages go to stderr: stdout of the functions below carries file names.
log() { echo "pgfleet: $*" >&2; }
fail() { echo "pgfleet: error: $*" >&2; exit 1; }
poll="${'$'}{POLL_SECONDS:-5}"

# Dumps of DUMP_PREFIX (exactly <prefix>_<YYYY-MM-DD_HH-MM-SS>.sql.gz) under BACKUP_DIR; extra
# arguments go to find (e.g. -newer FILE).
list_dumps() {
  local f name stamp
  { find "${'$'}{BACKUP_DIR:-/backups/}" -type f -name "${'$'}{DUMP_PREFIX}_*.sql.gz" "$@" 2>/dev/null || true; } | while IFS= read -r f; do
    name=${'$'}{f##*/}
    stamp=${'$'}{name#"${'$'}{DUMP_PREFIX}_"}
    stamp=${'$'}{stamp%.sql.gz}
    if [[ "$stamp" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}$ ]]; then
      printf '%s %s\n' "$stamp" "$f"
    fi
  done | sort
}
`;

/** Picks the dump to restore and prints its path. */
const SELECT_DUMP = String.raw`
select_dump() {
  local found
  case "${'$'}{SELECT:-latest}" in
    file)
      [[ -f "$BACKUP_FILE" ]] || fail "$BACKUP_FILE does not exist; newest dumps of $DUMP_PREFIX: $(list_dumps | tail -n 3 | cut -d' ' -f2- | tr '\n' ' ')"
      [[ "${'$'}{BACKUP_FILE##*/}" =~ ^"${'$'}{DUMP_PREFIX}"_[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}\.sql\.gz$ ]] || fail "$BACKUP_FILE is not a dump of $DUMP_PREFIX"
      found=$BACKUP_FILE
      ;;
    before)
      # Stamps share one format and time zone, so string order is time order.
      found=$(list_dumps | awk -v t="$TARGET_STAMP" '$1 <= t' | tail -n 1 | cut -d' ' -f2-)
      [[ -n "$found" ]] || fail "no dump of $DUMP_PREFIX taken at or before $TARGET_STAMP; oldest: $(list_dumps | head -n 1 | cut -d' ' -f2-)"
      ;;
    latest)
      found=$(list_dumps | tail -n 1 | cut -d' ' -f2-)
      [[ -n "$found" ]] || fail "no dump of $DUMP_PREFIX under ${'$'}{BACKUP_DIR:-/backups/}"
      ;;
    *) fail "SELECT must be file, before or latest, not $SELECT" ;;
  esac
  printf '%s\n' "$found"
}
`;

/**
 * True when a dump file is whole: gzip intact and pg_dump's closing line inside. The backup
 * container keeps (and names like any other) a dump whose pg_dump stopped half-way, and a
 * truncated plain-SQL dump replays without an error.
 */
const DUMP_COMPLETE = String.raw`
dump_complete() {
  gunzip -c "$1" 2>/dev/null | awk '$0 == "-- PostgreSQL database dump complete" { done = 1 } END { exit !done }'
}
`;

/**
 * Runs `backup.sh -1` and fails when it wrote no new, complete dump (it exits 0 after a failed
 * dump). "New" is judged against a marker file created on the backup volume itself: the dump's
 * time and the marker's both come from the volume's file server, so the node's clock cannot make
 * a good dump look old.
 */
const TAKE_DUMP = String.raw`
take_dump() {
  local dir="${'$'}{BACKUP_DIR:-/backups/}" started new status=0
  mkdir -p "$dir"
  # Markers of Jobs killed before they could clean up.
  find "$dir" -maxdepth 1 -name '.pgfleet-dump-started.*' -mmin +1440 -delete 2>/dev/null || true
  started=$(mktemp "${'$'}{dir%/}/.pgfleet-dump-started.XXXXXX") || fail "cannot create a file in $dir"
  log "dumping $DUMP_PREFIX into $dir"
  "${'$'}{BACKUP_SH:-/backup.sh}" -1 >&2 || status=$?
  new=$(list_dumps -newer "$started" | tail -n 1 | cut -d' ' -f2-)
  rm -f "$started"
  (( status == 0 )) || fail "backup.sh -1 exited with $status"
  [[ -n "$new" ]] || fail "backup.sh finished without writing a dump of $DUMP_PREFIX (it logs a failed dump and still exits 0; see its output above)"
  if ! dump_complete "$new"; then
    rm -f "$new"
    fail "backup.sh wrote $new, but its pg_dump did not finish (no \"-- PostgreSQL database dump complete\"); the file is removed so no restore picks it"
  fi
  log "wrote $new"
  printf '%s\n' "$new"
}
`;

/**
 * Loads a dump into TARGET_HOST/DATABASE, once per RESTORE_MARKER. The steps are those of the
 * backup-container's own restore (`backup.sh -r`, `onRestoreDatabase` of backup.postgres.plugin):
 * drop and create the database, drop the Patroni schemas the new database inherits from
 * template1, replay the dump with ON_ERROR_STOP. pgfleet runs them itself because the dump starts
 * (or, from 2.10.2, ends) with `pg_dumpall --roles-only`, whose `CREATE ROLE` of a role the
 * target already has (superuser, replication and application user: Patroni and post_init made
 * them) stops that replay at its first line. Those `CREATE ROLE` lines are left out; the
 * `ALTER ROLE` after each still applies the source's attributes, and no password changes (the
 * dump has none).
 */
const RESTORE = String.raw`
export PGPASSWORD="$ADMIN_PASSWORD"
psql_to() {
  local db=$1
  shift
  psql -X -q -v ON_ERROR_STOP=1 -h "$TARGET_HOST" -p "$TARGET_PORT" -d "$db" "$@"
}
sql() {
  psql_to postgres -tA -v db="$DATABASE" -v owner="$APP_USER" -v marker="$RESTORE_MARKER"
}

wait_for_server() {
  local waited=0
  until pg_isready -q -h "$TARGET_HOST" -p "$TARGET_PORT"; do
    (( waited < ${'$'}{WAIT_SECONDS:-900} )) || fail "$TARGET_HOST:$TARGET_PORT accepted no connections within ${'$'}{waited}s (is the generation's leader up?)"
    sleep "$poll"
    waited=$(( waited + poll ))
  done
}

# True when this Job already loaded its dump: a re-created Job must not drop the data again.
already_restored() {
  local comment
  comment=$(echo "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = :'db';" | sql)
  [[ "$comment" == "$RESTORE_MARKER" ]]
}

wait_for_disconnects() {
  local waited=0 sessions
  while :; do
    sessions=$(echo "SELECT count(*) FROM pg_stat_activity WHERE datname = :'db' AND pid <> pg_backend_pid();" | sql)
    [[ "$sessions" == 0 ]] && return 0
    (( waited < ${'$'}{CONNECTIONS_WAIT_SECONDS:-300} )) || fail "$sessions session(s) still use $DATABASE after ${'$'}{waited}s; stop its clients, then run the Job again"
    log "waiting for $sessions session(s) on $DATABASE to end"
    sleep "$poll"
    waited=$(( waited + poll ))
  done
}

# The dump on stdin without the CREATE ROLE lines (pg_dumpall's section only) of roles the target
# has. pg_dumpall quotes names as quote_ident does.
without_existing_roles() {
  local existing
  existing=$(echo 'SELECT quote_ident(rolname) FROM pg_roles ORDER BY 1;' | sql)
  awk -v existing="$existing" '
    BEGIN { n = split(existing, names, "\n"); for (i = 1; i <= n; i++) skip["CREATE ROLE " names[i] ";"] = 1 }
    $0 == "-- PostgreSQL database cluster dump" { roles = 1 }
    $0 == "-- PostgreSQL database cluster dump complete" { roles = 0 }
    roles && ($0 in skip) { print "pgfleet: keeping the target'"'"'s role: " $0 > "/dev/stderr"; next }
    { print }
  '
}

restore_dump() {
  local file=$1
  # Nothing is dropped for a dump that cannot be loaded whole.
  dump_complete "$file" || fail "$file is not a complete dump (damaged gzip, or its pg_dump stopped before \"-- PostgreSQL database dump complete\"); pick another"
  wait_for_disconnects
  log "restoring $file into $TARGET_HOST/$DATABASE"
  { echo 'DROP DATABASE IF EXISTS :"db";'; echo 'CREATE DATABASE :"db";'; } | sql
  printf '%s\n' 'DROP SCHEMA IF EXISTS metric_helpers CASCADE;' 'DROP SCHEMA IF EXISTS user_management CASCADE;' | psql_to "$DATABASE"
  gunzip -c "$file" | without_existing_roles | psql_to "$DATABASE" >/dev/null \
    || fail "loading $file into $TARGET_HOST/$DATABASE stopped at the error above"
  # The database was created as the superuser; the image's post_init makes the application user its owner.
  { echo 'ALTER DATABASE :"db" OWNER TO :"owner";'; echo "COMMENT ON DATABASE :\"db\" IS :'marker';"; } | sql
  log "restored $file into $TARGET_HOST/$DATABASE (marked $RESTORE_MARKER)"
}
`;

/** Backup CronJob / one-off Job: one dump of one database. */
export const BACKUP_SCRIPT = `${COMMON}${DUMP_COMPLETE}${TAKE_DUMP}
take_dump >/dev/null
`;

/** Restore Job: pick a dump of the source generation and load it into the target. */
export const RESTORE_SCRIPT = `${COMMON}${DUMP_COMPLETE}${SELECT_DUMP}${RESTORE}
wait_for_server
if already_restored; then
  log "$DATABASE on $TARGET_HOST already holds this Job's restore ($RESTORE_MARKER); nothing to do"
  exit 0
fi
file=$(select_dump)
restore_dump "$file"
`;

/** Upgrade Job: a fresh dump of the source generation, loaded into the new generation. */
export const UPGRADE_SCRIPT = `${COMMON}${DUMP_COMPLETE}${TAKE_DUMP}${RESTORE}
wait_for_server
if already_restored; then
  log "$DATABASE on $TARGET_HOST already holds this Job's upgrade ($RESTORE_MARKER); nothing to do"
  exit 0
fi
file=$(take_dump)
restore_dump "$file"
`;

/**
 * Verification CronJob: every database's newest dump is recent, complete, and restores into the
 * image's scratch server (`backup.sh -s -v`). `-I` lets that replay go on past errors: the
 * scratch server already has the superuser and the application user, so the dump's `CREATE ROLE`
 * of either stops a replay with ON_ERROR_STOP at its first line; completeness is checked here
 * instead, and backup.sh still fails a restore that leaves no table.
 */
export const VERIFY_SCRIPT =
  COMMON +
  DUMP_COMPLETE +
  String.raw`
# A dump being written (touched within the hour) would be read half-way: wait for it.
waited=0
while [[ -n "$(find "${'$'}{BACKUP_DIR:-/backups/}" -type f -name '*.sql.gz.in_progress' -mmin -60 2>/dev/null | head -n 1)" ]]; do
  (( waited < ${'$'}{IN_PROGRESS_WAIT_SECONDS:-1800} )) || fail "a dump is still being written after ${'$'}{waited}s; verification skipped"
  log "waiting for a running dump to finish"
  sleep "$poll"
  waited=$(( waited + poll ))
done
for spec in $DATABASE_SPECS; do
  host=${'$'}{spec#*=}
  host=${'$'}{host%%[:/]*}
  DUMP_PREFIX="$host-${'$'}{spec##*/}"
  newest=$(list_dumps | tail -n 1 | cut -d' ' -f2-)
  [[ -n "$newest" ]] || fail "no dump of $DUMP_PREFIX under ${'$'}{BACKUP_DIR:-/backups/}: nothing to verify (do the backup Jobs succeed?)"
  [[ -n "$(list_dumps -mmin "-$MAX_AGE_MINUTES")" ]] || fail "the newest dump of $DUMP_PREFIX, $newest, is older than $MAX_AGE_MINUTES minutes"
  dump_complete "$newest" || fail "the newest dump of $DUMP_PREFIX, $newest, is not complete (damaged gzip, or its pg_dump stopped half-way)"
  # One database per call: with "all", backup.sh exits with the last database's status only.
  log "verifying $newest"
  "${'$'}{BACKUP_SH:-/backup.sh}" -I -s -v "$spec" || fail "restoring $newest into a scratch server failed"
done
log "verified: $DATABASE_SPECS"
`;
