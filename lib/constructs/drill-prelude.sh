# shellcheck shell=bash
set -euo pipefail
export LC_ALL=C
say() { echo "pgfleet drill: $*"; }
fail() { echo "pgfleet drill: FAILED: $*" >&2; exit 1; }
: "${DRILL_SCRATCH:?DRILL_SCRATCH is the scratch volume}" "${DRILL_STATUS:?DRILL_STATUS receives the outcome}"
: "${CHECK_DATABASE:?CHECK_DATABASE names the database the check runs in}" "${CHECK_QUERY:?CHECK_QUERY is the check}"
if [ -z "${CHECK_AT_LEAST:-}" ] && [ -z "${CHECK_EQUALS+set}" ]; then fail "CHECK_AT_LEAST or CHECK_EQUALS says what the check must return"; fi
PGDATA="$DRILL_SCRATCH/data"
SOCKET="$DRILL_SCRATCH/run"
export PGHOST="$SOCKET" PGPORT="${DRILL_PORT:-5432}" PGUSER="${DRILL_SUPERUSER:-postgres}" PGDATABASE=postgres PGCONNECT_TIMEOUT=10
DRILL_BACKUP="" RESTORED_TO="" started=""
cleanup() {
  local code=$?
  if [ -n "$started" ]; then pg_ctl stop -D "$PGDATA" -m immediate -w > /dev/null 2>&1 || true; fi
  rm -rf -- "$PGDATA" "$SOCKET" "$DRILL_SCRATCH/tmp" "$DRILL_SCRATCH/fetch" 2> /dev/null || true
  if [ "$code" -ne 0 ]; then echo "pgfleet drill: the restored copy is removed; the live generation and its archive were only read" >&2; fi
  exit "$code"
}
trap cleanup EXIT
rm -rf -- "$PGDATA" "$SOCKET" "$DRILL_SCRATCH/tmp"
mkdir -p -- "$SOCKET" "$DRILL_SCRATCH/tmp" "$DRILL_STATUS"
rm -f -- "$DRILL_STATUS/patch.json"
write_server_conf() { # the scratch server's own settings: the restored ones (archiving, TLS, listen addresses) are never used
  local conf="$DRILL_SCRATCH/tmp/drill.conf"
  {
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$SOCKET'"
    echo "port = $PGPORT"
    echo "archive_mode = off"
    echo "hba_file = '$DRILL_SCRATCH/tmp/pg_hba.conf'"
    echo "ident_file = '$DRILL_SCRATCH/tmp/pg_ident.conf'"
    # No connections until recovery ends: a hot standby would also demand max_connections and friends at the live values.
    echo "hot_standby = off"
    echo "fsync = off"
    echo "log_min_messages = warning"
    if [ -n "${RESTORE_COMMAND:-}" ]; then
      echo "restore_command = '$(printf '%s' "$RESTORE_COMMAND" | sed "s/'/''/g")'"
      echo "recovery_target_timeline = 'latest'"
      echo "recovery_target_action = 'promote'"
    fi
  } > "$conf"
  echo "local all all trust" > "$DRILL_SCRATCH/tmp/pg_hba.conf"
  : > "$DRILL_SCRATCH/tmp/pg_ident.conf"
}
start_server() {
  pg_ctl start -D "$PGDATA" -w -t "${RECOVERY_SECONDS:-3000}" -l "$DRILL_SCRATCH/tmp/postgres.log" \
    -o "-c config_file=$DRILL_SCRATCH/tmp/drill.conf" > /dev/null \
    || { tail -n 40 "$DRILL_SCRATCH/tmp/postgres.log" >&2 || true; fail "$1"; }
  started=yes
}
start_restored() { # replay the archived WAL to its end on the restored data directory, then promote
  [ -f "$PGDATA/PG_VERSION" ] || fail "the restore left no data directory in $PGDATA"
  chmod 700 "$PGDATA"
  # ALTER SYSTEM settings of the live cluster (and a restore_command written there) stay out of the drill.
  if [ -f "$PGDATA/postgresql.auto.conf" ]; then mv -f "$PGDATA/postgresql.auto.conf" "$DRILL_SCRATCH/tmp/restored.auto.conf"; fi
  rm -f -- "$PGDATA/standby.signal" "$PGDATA/postmaster.pid"
  touch "$PGDATA/recovery.signal"
  write_server_conf
  start_server "the restored data directory did not start: the base backup or the WAL it needs is missing or damaged"
  local deadline=$(( $(date +%s) + ${RECOVERY_SECONDS:-3000} ))
  until [ "$(psql -XAtq -c 'select pg_is_in_recovery()' 2> /dev/null)" = f ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "WAL replay did not finish within ${RECOVERY_SECONDS:-3000}s"
    pg_ctl status -D "$PGDATA" > /dev/null 2>&1 || { tail -n 40 "$DRILL_SCRATCH/tmp/postgres.log" >&2; fail "the server stopped during WAL replay"; }
    sleep 2
  done
  RESTORED_TO=$(psql -XAtq -c "select coalesce(to_char(pg_last_xact_replay_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '')")
  say "replayed the archived WAL and promoted; the newest restored transaction is from ${RESTORED_TO:-(none replayed: no transaction since the base backup)}"
}
start_empty() { # a new, empty scratch server for a dump
  initdb -D "$PGDATA" -U "$PGUSER" --auth=trust --encoding=UTF8 --locale="${DRILL_LOCALE:-C.UTF-8}" --no-sync > /dev/null \
    || fail "initdb of the scratch server failed"
  write_server_conf
  start_server "the scratch server did not start"
}
json() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' | tr -d '\n\r'; }
run_check() { # the stack's check on the restored copy, and the outcome for the recorder
  local value
  value=$(psql -XAtq -v ON_ERROR_STOP=1 -d "$CHECK_DATABASE" -c "$CHECK_QUERY" 2> "$DRILL_SCRATCH/tmp/check.err") \
    || { cat "$DRILL_SCRATCH/tmp/check.err" >&2; fail "the check query failed in database $CHECK_DATABASE of the restored copy"; }
  [ "$(printf '%s\n' "$value" | wc -l)" -eq 1 ] || fail "the check query returned $(printf '%s\n' "$value" | wc -l) rows; it must return one value"
  if [ -n "${CHECK_AT_LEAST:-}" ]; then
    awk -v v="$value" -v min="$CHECK_AT_LEAST" 'BEGIN { exit !(v ~ /^-?[0-9]+([.][0-9]+)?$/ && v + 0 >= min + 0) }' \
      || fail "check: \"$CHECK_QUERY\" returned \"$value\" on the restored copy, expected a number of at least $CHECK_AT_LEAST"
  elif [ "$value" != "$CHECK_EQUALS" ]; then
    fail "check: \"$CHECK_QUERY\" returned \"$value\" on the restored copy, expected \"$CHECK_EQUALS\""
  fi
  local now
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  printf '{"data":{"lastSuccess":"%s","backup":"%s","restoredTo":"%s","checkValue":"%s"}}\n' \
    "$now" "$(json "$DRILL_BACKUP")" "$(json "$RESTORED_TO")" "$(json "$value")" > "$DRILL_STATUS/patch.json"
  say "PASSED at $now: restored $DRILL_BACKUP${RESTORED_TO:+ up to $RESTORED_TO}; \"$CHECK_QUERY\" returned \"$value\""
}
