# shellcheck shell=bash
# shellcheck disable=SC2034 # RESTORED_TO is read by run_check (drill-prelude.sh, composed first)
: "${BACKUP_DIR:?BACKUP_DIR is the backup volume}" "${DUMP_PREFIX:?DUMP_PREFIX is host-database of the dumps}"
file=$(find "$BACKUP_DIR" -type f -name "${DUMP_PREFIX}_*.sql.gz" 2> /dev/null | awk -F/ '{ print $NF "\t" $0 }' | LC_ALL=C sort | tail -n 1 | cut -f2)
[ -n "$file" ] || fail "no dump ${DUMP_PREFIX}_*.sql.gz below $BACKUP_DIR"
DRILL_BACKUP="${file#"$BACKUP_DIR"/}"
say "restoring dump $DRILL_BACKUP into database $CHECK_DATABASE of a scratch server"
gzip -t -- "$file" 2> /dev/null || fail "$DRILL_BACKUP is not a complete gzip file"
RESTORED_TO=$(file_time "$file")
start_empty
psql -XAtq -v ON_ERROR_STOP=1 -c "create database \"$CHECK_DATABASE\"" > /dev/null || fail "cannot create database $CHECK_DATABASE in the scratch server"
load_dump "$file" "$CHECK_DATABASE"
run_check
