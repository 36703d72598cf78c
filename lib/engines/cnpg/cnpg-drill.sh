# shellcheck shell=bash
# shellcheck disable=SC2034 # RESTORE_COMMAND is read by write_server_conf (drill-prelude.sh, composed first)
: "${BARMAN_DESTINATION:?BARMAN_DESTINATION is the archive prefix}" "${BARMAN_SERVER_NAME:?BARMAN_SERVER_NAME is the folder of the generation}"
endpoint=()
if [ -n "${BARMAN_ENDPOINT_URL:-}" ]; then endpoint=(--endpoint-url "$BARMAN_ENDPOINT_URL"); fi
list=$(barman-cloud-backup-list ${endpoint[@]+"${endpoint[@]}"} --format json "$BARMAN_DESTINATION" "$BARMAN_SERVER_NAME") \
  || fail "cannot list the base backups of $BARMAN_SERVER_NAME in $BARMAN_DESTINATION"
DRILL_BACKUP=$(printf '%s' "$list" | python3 -c 'import json, sys
done = [b["backup_id"] for b in json.load(sys.stdin).get("backups_list", []) if b.get("status") == "DONE"]
print(max(done) if done else "")')
[ -n "$DRILL_BACKUP" ] || fail "no completed base backup of $BARMAN_SERVER_NAME in $BARMAN_DESTINATION"
say "restoring base backup $DRILL_BACKUP of $BARMAN_SERVER_NAME from $BARMAN_DESTINATION"
barman-cloud-restore ${endpoint[@]+"${endpoint[@]}"} "$BARMAN_DESTINATION" "$BARMAN_SERVER_NAME" "$DRILL_BACKUP" "$PGDATA" \
  || fail "barman-cloud-restore of $DRILL_BACKUP failed"
RESTORE_COMMAND="barman-cloud-wal-restore ${BARMAN_ENDPOINT_URL:+--endpoint-url $BARMAN_ENDPOINT_URL }$BARMAN_DESTINATION $BARMAN_SERVER_NAME %f %p"
start_restored
run_check
