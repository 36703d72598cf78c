# shellcheck shell=bash
# shellcheck disable=SC2154 # backup_dir is set by common.sh, which job-scripts.ts puts first
# select_dump: picks the dump a restore loads and prints its path. SELECT = file (BACKUP_FILE),
# before (TARGET_STAMP: the target's wall clock in the backup time zone, as dump names are
# written) or latest.
select_dump() {
  local found
  case "${SELECT:-latest}" in
    file)
      [[ -f "$BACKUP_FILE" ]] || fail "$BACKUP_FILE does not exist; newest dumps of $DUMP_PREFIX: $(list_dumps | tail -n 3 | cut -d' ' -f2- | tr '\n' ' ')"
      [[ "${BACKUP_FILE##*/}" =~ ^"${DUMP_PREFIX}"_[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}\.sql\.gz$ ]] || fail "$BACKUP_FILE is not a dump of $DUMP_PREFIX"
      found=$BACKUP_FILE
      ;;
    before)
      # Stamps share one format and time zone, so string order is time order.
      found=$(list_dumps | awk -v t="$TARGET_STAMP" '$1 <= t' | tail -n 1 | cut -d' ' -f2-)
      [[ -n "$found" ]] || fail "no dump of $DUMP_PREFIX taken at or before $TARGET_STAMP; oldest: $(list_dumps | head -n 1 | cut -d' ' -f2-)"
      ;;
    latest)
      found=$(list_dumps | tail -n 1 | cut -d' ' -f2-)
      [[ -n "$found" ]] || fail "no dump of $DUMP_PREFIX under $backup_dir"
      ;;
    *) fail "SELECT must be file, before or latest, not $SELECT" ;;
  esac
  printf '%s\n' "$found"
}
