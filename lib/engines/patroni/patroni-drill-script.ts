/**
 * The Patroni part of the restore drill, after DRILL_PRELUDE and DUMP_DRILL_FUNCTIONS
 * (lib/constructs/): the newest complete dump of one database that the backup-container wrote
 * (`<BACKUP_DIR>/{daily,weekly,monthly}/<date>/<host>-<db>_<YYYY-MM-DD_HH-MM-SS>.sql.gz`: its
 * roles, then `pg_dump -Fp`; the newest by the stamp in the name, `.in_progress` files excluded),
 * checked with gzip, loaded into a new database of a scratch server. The backup volume is
 * mounted read-only.
 *
 * Env: BACKUP_DIR (the backup volume), DUMP_PREFIX (`<host>-<db>`).
 */
export const PATRONI_DRILL_SCRIPT = `: "\${BACKUP_DIR:?BACKUP_DIR is the backup volume}" "\${DUMP_PREFIX:?DUMP_PREFIX is host-database of the dumps}"
file=$(find "$BACKUP_DIR" -type f -name "\${DUMP_PREFIX}_*.sql.gz" 2> /dev/null | awk -F/ '{ print $NF "\\t" $0 }' | LC_ALL=C sort | tail -n 1 | cut -f2)
[ -n "$file" ] || fail "no dump \${DUMP_PREFIX}_*.sql.gz below $BACKUP_DIR"
DRILL_BACKUP="\${file#"$BACKUP_DIR"/}"
say "restoring dump $DRILL_BACKUP into database $CHECK_DATABASE of a scratch server"
gzip -t -- "$file" 2> /dev/null || fail "$DRILL_BACKUP is not a complete gzip file"
RESTORED_TO=$(file_time "$file")
start_empty
psql -XAtq -v ON_ERROR_STOP=1 -c "create database \\"$CHECK_DATABASE\\"" > /dev/null || fail "cannot create database $CHECK_DATABASE in the scratch server"
load_dump "$file" "$CHECK_DATABASE"
run_check
`;
