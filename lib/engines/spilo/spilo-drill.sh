# shellcheck shell=bash
# shellcheck disable=SC2034 # RESTORE_COMMAND is read by write_server_conf (drill-prelude.sh, composed first)
: "${WALG_GS_PREFIX:?WALG_GS_PREFIX is the WAL-G prefix of the generation}"
list=$(wal-g backup-list 2> "$DRILL_SCRATCH/tmp/wal-g.err") || { cat "$DRILL_SCRATCH/tmp/wal-g.err" >&2; fail "cannot list the base backups in $WALG_GS_PREFIX"; }
DRILL_BACKUP=$(printf '%s\n' "$list" | awk 'NR > 1 && $1 ~ /^base_/ { b = $1 } END { print b }')
[ -n "$DRILL_BACKUP" ] || fail "no WAL-G base backup in $WALG_GS_PREFIX"
say "restoring base backup $DRILL_BACKUP from $WALG_GS_PREFIX"
wal-g backup-fetch "$PGDATA" "$DRILL_BACKUP" || fail "wal-g backup-fetch of $DRILL_BACKUP failed"
RESTORE_COMMAND='wal-g wal-fetch "%f" "%p"'
start_restored
run_check
