/**
 * The shell pgfleet's backup-container Jobs run around the image's own `/backup.sh`. The scripts
 * are fixed text: everything that varies comes from the container's environment, so no config
 * value is ever spliced into shell, and the tests run exactly these strings.
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

/** Runs `backup.sh -1` and fails when it wrote no new dump (it exits 0 after a failed dump). */
const TAKE_DUMP = String.raw`
take_dump() {
  local started new
  started=$(mktemp "${'$'}{TMPDIR:-/tmp}/pgfleet-dump.XXXXXX")
  log "dumping $DUMP_PREFIX into ${'$'}{BACKUP_DIR:-/backups/}"
  "${'$'}{BACKUP_SH:-/backup.sh}" -1 >&2 || fail "backup.sh -1 exited with $?"
  new=$(list_dumps -newer "$started" | tail -n 1 | cut -d' ' -f2-)
  rm -f "$started"
  [[ -n "$new" ]] || fail "backup.sh finished without writing a dump of $DUMP_PREFIX (it logs a failed dump and still exits 0; see its output above)"
  log "wrote $new"
  printf '%s\n' "$new"
}
`;

/** Loads a dump into TARGET_HOST/DATABASE through backup.sh -r, once per RESTORE_MARKER. */
const RESTORE = String.raw`
export PGPASSWORD="$ADMIN_PASSWORD"
sql() {
  psql -X -q -tA -v ON_ERROR_STOP=1 -h "$TARGET_HOST" -p "$TARGET_PORT" -d postgres \
    -v db="$DATABASE" -v owner="$APP_USER" -v marker="$RESTORE_MARKER"
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

restore_dump() {
  local file=$1
  # backup.sh drops the database before creating it: make sure there is one to drop.
  if [[ -z "$(echo "SELECT 1 FROM pg_database WHERE datname = :'db';" | sql)" ]]; then
    echo 'CREATE DATABASE :"db";' | sql
  fi
  wait_for_disconnects
  log "restoring $file into $TARGET_HOST/$DATABASE"
  "${'$'}{BACKUP_SH:-/backup.sh}" -s -r "postgres=$TARGET_HOST:$TARGET_PORT/$DATABASE" -f "$file" -a "$ADMIN_PASSWORD" \
    || fail "backup.sh could not restore $file"
  # backup.sh creates the database as the superuser; the image's post_init makes the application user its owner.
  { echo 'ALTER DATABASE :"db" OWNER TO :"owner";'; echo "COMMENT ON DATABASE :\"db\" IS :'marker';"; } | sql
  log "restored $file into $TARGET_HOST/$DATABASE (marked $RESTORE_MARKER)"
}
`;

/** Backup CronJob / one-off Job: one dump of one database. */
export const BACKUP_SCRIPT = `${COMMON}${TAKE_DUMP}
take_dump >/dev/null
`;

/** Restore Job: pick a dump of the source generation and load it into the target. */
export const RESTORE_SCRIPT = `${COMMON}${SELECT_DUMP}${RESTORE}
wait_for_server
if already_restored; then
  log "$DATABASE on $TARGET_HOST already holds this Job's restore ($RESTORE_MARKER); nothing to do"
  exit 0
fi
file=$(select_dump)
restore_dump "$file"
`;

/** Upgrade Job: a fresh dump of the source generation, loaded into the new generation. */
export const UPGRADE_SCRIPT = `${COMMON}${TAKE_DUMP}${RESTORE}
wait_for_server
if already_restored; then
  log "$DATABASE on $TARGET_HOST already holds this Job's upgrade ($RESTORE_MARKER); nothing to do"
  exit 0
fi
file=$(take_dump)
restore_dump "$file"
`;

/** Verification CronJob: every database's newest complete, recent dump restores. */
export const VERIFY_SCRIPT = COMMON + String.raw`
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
  # One database per call: with "all", backup.sh exits with the last database's status only.
  log "verifying $newest"
  "${'$'}{BACKUP_SH:-/backup.sh}" -s -v "$spec" || fail "restoring $newest into a scratch server failed"
done
log "verified: $DATABASE_SPECS"
`;
