# shellcheck shell=bash
# shellcheck disable=SC2034 # RESTORED_TO is read by run_check (drill-prelude.sh, composed first)
: "${BACKUP_DIR:?BACKUP_DIR is the backup volume}" "${DUMP_PREFIX:?DUMP_PREFIX is host-database of the dumps}"
# The newest by its stamp, as the restore and verification Jobs pick it (dumps.sh, composed before).
file=$(list_dumps | tail -n 1 | cut -d' ' -f2-)
[ -n "$file" ] || fail "no dump ${DUMP_PREFIX}_<YYYY-MM-DD_HH-MM-SS>.sql.gz below $BACKUP_DIR"
DRILL_BACKUP="${file#"$BACKUP_DIR"/}"
say "restoring dump $DRILL_BACKUP into database $CHECK_DATABASE of a scratch server"
parts=$(dump_parts "$file") || fail "$DRILL_BACKUP is not a complete gzip file"
[[ "$parts" == data* ]] || fail "$DRILL_BACKUP does not end with pg_dump's closing line (a dump cut short)"
RESTORED_TO=$(file_time "$file")
start_empty
psql -XAtq -v ON_ERROR_STOP=1 -c "create database \"$CHECK_DATABASE\"" > /dev/null || fail "cannot create database $CHECK_DATABASE in the scratch server"
load_dump "$file" "$CHECK_DATABASE"
run_check
