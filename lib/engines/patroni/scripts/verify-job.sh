# shellcheck shell=bash
# shellcheck disable=SC2154 # backup_dir is set by common.sh, which job-scripts.ts puts first
# Verification CronJob: every database's newest dump is recent, whole, and restores into the
# image's scratch server: `backup.sh -s -v <spec> -f <file>`, one database per call (with "all"
# only the last database's result would count).
#
# backup.sh exits 0 whatever happened (its EXIT trap always exits 0): the verification passed only
# when its output says "Successfully verified backup: <file>" and reports no error. The image
# restores with ON_ERROR_STOP=1 into a server that has only `postgres` and DATABASE_USER, so it is
# given the dump as pgfleet's restore loads it: the dump's roles first (without the CREATE ROLE of
# those two), then the data. No `-I`: replaying past errors would pass a dump that does not restore
# (and 2.3.3 does not know the flag: it prints its usage and exits 0).
waited=0
# A dump being written (touched within the hour) would be read half-way: wait for it.
while [[ -n "$(find "$backup_dir" -type f -name '*.sql.gz.in_progress' -mmin -60 2>/dev/null | head -n 1)" ]]; do
  ((waited < ${IN_PROGRESS_WAIT_SECONDS:-1800})) || fail "a dump is still being written after ${waited}s; verification skipped"
  log "waiting for a running dump to finish"
  sleep "${POLL_SECONDS:-5}"
  waited=$((waited + ${POLL_SECONDS:-5}))
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scratch_roles=$(printf '%s\n' postgres "$DATABASE_USER" | while IFS= read -r r; do quote_ident "$r"; done)
for spec in $DATABASE_SPECS; do
  host=${spec#*=}
  host=${host%%[:/]*}
  DUMP_PREFIX="$host-${spec##*/}"
  newest=$(list_dumps | tail -n 1 | cut -d' ' -f2-)
  [[ -n "$newest" ]] || fail "no dump of $DUMP_PREFIX under $backup_dir: nothing to verify (do the backup Jobs succeed?)"
  [[ -n "$(find_dumps -mmin "-$MAX_AGE_MINUTES")" ]] || fail "the newest dump of $DUMP_PREFIX, $newest, is older than $MAX_AGE_MINUTES minutes"
  parts=$(dump_parts "$newest") || fail "the newest dump of $DUMP_PREFIX, $newest, is damaged (gzip)"
  [[ "$parts" == data* ]] || fail "the newest dump of $DUMP_PREFIX, $newest, is not complete (its pg_dump stopped half-way)"
  [[ "$parts" == *roles ]] || log "$newest holds no role definitions: grants to roles the scratch server lacks will fail the verification"

  # backup.sh finds the file under its BACKUP_DIR (-f is a filter on the paths there).
  file="$work/${newest##*/}"
  {
    gunzip -c "$newest" | dump_part roles "$scratch_roles" | gzip
    gunzip -c "$newest" | dump_part data | gzip
  } >"$file"
  log "verifying $newest"
  status=0
  out=$(BACKUP_DIR="$work/" "${BACKUP_SH:-/backup.sh}" -s -v "$spec" -f "$file" 2>&1) || status=$?
  printf '%s\n' "$out" >&2
  rm -f "$file"
  if ((status != 0)) || [[ "$out" != *"Successfully verified backup: $file"* ]] || [[ "$out" == *'[!!ERROR!!]'* ]]; then
    fail "backup.sh did not verify $newest (exit $status; it exits 0 whatever happened, so its output above is what counts)"
  fi
done
log "verified: $DATABASE_SPECS"
