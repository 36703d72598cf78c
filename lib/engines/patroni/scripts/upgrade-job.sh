# shellcheck shell=bash
# Upgrade Job: a fresh dump of the source generation (to a folder of its own), loaded into the
# new generation.
wait_for_server
if already_restored; then
  log "$DATABASE on $TARGET_HOST already holds this Job's upgrade ($RESTORE_MARKER); nothing to do"
  exit 0
fi
file=$(take_dump)
restore_dump "$file"
