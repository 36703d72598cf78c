# shellcheck shell=bash
# shellcheck disable=SC2034 # RESTORE_COMMAND is read by write_server_conf (drill-prelude.sh, composed first)
export PGBACKREST_STANZA="${PGBACKREST_STANZA:-db}" PGBACKREST_REPO="${PGBACKREST_REPO:-1}"
export PGBACKREST_PG1_PATH="$PGDATA" PGBACKREST_LOG_PATH="$DRILL_SCRATCH/tmp" PGBACKREST_LOCK_PATH="$DRILL_SCRATCH/tmp/lock"
export PGBACKREST_LOG_LEVEL_FILE=off PGBACKREST_LOG_LEVEL_CONSOLE=warn
info=$(pgbackrest info) || fail "cannot read repo$PGBACKREST_REPO of stanza $PGBACKREST_STANZA"
DRILL_BACKUP=$(printf '%s\n' "$info" | awk '$2 == "backup:" && ($1 == "full" || $1 == "diff" || $1 == "incr") { b = $3 } END { print b }')
[ -n "$DRILL_BACKUP" ] || fail "no backup in repo$PGBACKREST_REPO of stanza $PGBACKREST_STANZA"
say "restoring backup set $DRILL_BACKUP of stanza $PGBACKREST_STANZA from repo$PGBACKREST_REPO"
mkdir -m 700 -- "$PGDATA"
pgbackrest restore --set="$DRILL_BACKUP" --type=default --archive-mode=off || fail "pgbackrest restore of $DRILL_BACKUP failed"
RESTORE_COMMAND="pgbackrest --stanza=$PGBACKREST_STANZA --repo=$PGBACKREST_REPO archive-get %f \"%p\""
start_restored
run_check
