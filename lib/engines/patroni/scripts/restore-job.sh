# shellcheck shell=bash
# Restore Job: pick a dump of the source generation and load it into the target.
wait_for_server
if already_restored; then
  log "$DATABASE on $TARGET_HOST already holds this Job's restore ($RESTORE_MARKER); nothing to do"
  exit 0
fi
file=$(select_dump)
restore_dump "$file"
