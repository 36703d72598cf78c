# shellcheck shell=bash
# restore_dump FILE: loads one dump into TARGET_HOST/DATABASE, atomically, once per RESTORE_MARKER.
#
# Not `backup.sh -r`: its replay stops at the first statement naming a role the target lacks (a
# grant to a role only the source had; with 2.10.2 and later the dump's roles come after the
# data that names them) or has (the dump's CREATE ROLE of the application user), after it has
# dropped the database. With `-s` and no `-f` it drops the database, finds no file and still
# reports "Restore complete". Here:
# 1. the roles the dump defines and the target lacks are created first, in the same transaction
#    as the data (roles the target has, e.g. the superuser and the application user Patroni and
#    post_init made, keep theirs; the dump holds no passwords);
# 2. the data goes into a staging database (from template0) in a single transaction: a failure
#    leaves no role, no table and no staging database behind, and the target's database as it was;
# 3. only then, with no session left on it, the target's database is swapped for the staging one
#    (renames in one transaction), given to the application user and commented with the marker,
#    so a Job re-created later finds the mark and loads nothing.
# Environment: TARGET_HOST, TARGET_PORT, DATABASE, DATABASE_USER + DATABASE_PASSWORD (superuser),
# APP_USER, RESTORE_MARKER; WAIT_SECONDS, CONNECTIONS_WAIT_SECONDS (tests).
export PGUSER="$DATABASE_USER" PGPASSWORD="$DATABASE_PASSWORD"
staging="${DATABASE}_pgfleet_restore"
replaced="${DATABASE}_pgfleet_replaced"
swapped=

psql_to() {
  local db=$1
  shift
  psql -X -q -v ON_ERROR_STOP=1 -h "$TARGET_HOST" -p "$TARGET_PORT" -d "$db" "$@"
}
sql() {
  psql_to postgres -tA -v db="$DATABASE" -v staging="$staging" -v replaced="$replaced" -v owner="$APP_USER" -v marker="$RESTORE_MARKER"
}

wait_for_server() {
  local waited=0
  until pg_isready -q -h "$TARGET_HOST" -p "$TARGET_PORT"; do
    ((waited < ${WAIT_SECONDS:-900})) || fail "$TARGET_HOST:$TARGET_PORT accepted no connections within ${waited}s (is the generation's leader up?)"
    sleep "${POLL_SECONDS:-5}"
    waited=$((waited + ${POLL_SECONDS:-5}))
  done
}

# True when this Job already loaded its dump: a re-created Job must not load it again.
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
    ((waited < ${CONNECTIONS_WAIT_SECONDS:-300})) || fail "$sessions session(s) still use $DATABASE after ${waited}s; stop its clients, then run the Job again"
    log "waiting for $sessions session(s) on $DATABASE to end"
    sleep "${POLL_SECONDS:-5}"
    waited=$((waited + ${POLL_SECONDS:-5}))
  done
}

drop_staging() {
  [[ -z "$swapped" ]] || return 0
  echo 'DROP DATABASE IF EXISTS :"staging";' | sql || log "could not drop the staging database $staging; drop it by hand"
}

restore_dump() {
  local file=$1 parts work existing has_db missing
  # Nothing is touched for a dump that cannot be loaded whole.
  parts=$(dump_parts "$file") || fail "$file is damaged (gzip); pick another dump"
  [[ "$parts" == data* ]] || fail "$file is not a complete dump (its pg_dump stopped before \"-- PostgreSQL database dump complete\"); pick another"
  [[ "$parts" == *roles ]] || log "$file holds no role definitions (a backup-container release before 2.9.0 dumps none and pgfleet's backup Job did not take it): every role its grants and owners name must exist on $TARGET_HOST"
  work=$(mktemp -d)
  existing=$(echo 'SELECT quote_ident(rolname) FROM pg_roles ORDER BY 1;' | sql)
  gunzip -c "$file" | dump_part roles "$existing" >"$work/roles.sql"

  trap drop_staging EXIT
  log "loading $file into a staging database $staging on $TARGET_HOST"
  { echo 'DROP DATABASE IF EXISTS :"staging";'; echo 'CREATE DATABASE :"staging" TEMPLATE template0;'; } | sql
  if ! {
    echo 'BEGIN;'
    cat "$work/roles.sql"
    gunzip -c "$file" | dump_part data
    echo 'COMMIT;'
  } | psql_to "$staging" >/dev/null 2>"$work/errors"; then
    cat "$work/errors" >&2
    missing=$(sed -n 's/.*role "\(.*\)" does not exist.*/\1/p' "$work/errors" | head -n 1)
    [[ -z "$missing" ]] || fail "loading $file stopped: role \"$missing\" does not exist on $TARGET_HOST and the dump does not define it. Nothing was changed (one transaction). Create the role first (kubectl exec into $TARGET_HOST's leader: psql -c 'CREATE ROLE \"$missing\" NOLOGIN', with the grants it had), then run the Job again"
    fail "loading $file stopped at the error above; nothing was changed (one transaction), $DATABASE on $TARGET_HOST is as it was"
  fi

  wait_for_disconnects
  has_db=$(echo "SELECT count(*) FROM pg_database WHERE datname = :'db';" | sql)
  {
    echo 'BEGIN;'
    [[ "$has_db" == 0 ]] || echo 'ALTER DATABASE :"db" RENAME TO :"replaced";'
    echo 'ALTER DATABASE :"staging" RENAME TO :"db";'
    # Created by the superuser; the image's post_init makes the application user the owner.
    echo 'ALTER DATABASE :"db" OWNER TO :"owner";'
    echo "COMMENT ON DATABASE :\"db\" IS :'marker';"
    echo 'COMMIT;'
  } | sql
  swapped=1
  if [[ "$has_db" != 0 ]]; then
    echo 'DROP DATABASE :"replaced";' | sql || log "the replaced database is kept as $replaced (a session held it); drop it by hand: DROP DATABASE \"$replaced\""
  fi
  rm -rf "$work"
  log "restored $file into $TARGET_HOST/$DATABASE (marked $RESTORE_MARKER)"
}
