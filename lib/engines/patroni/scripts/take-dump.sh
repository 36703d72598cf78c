# shellcheck shell=bash
# shellcheck disable=SC2154 # backup_dir is set by common.sh, which job-scripts.ts puts first
# take_dump: runs the image's `backup.sh -1` and prints the dump it wrote, or fails the Job.
# backup.sh exits 0 even when its pg_dump failed, so success is judged by the file: a new dump of
# DUMP_PREFIX, gzip intact, pg_dump's closing line inside. "New" is judged against a marker file
# created on the backup volume itself: the dump's time and the marker's both come from the
# volume's file server, so the node's clock cannot make a good dump look old.
#
# With S3_ENDPOINT, the dump's S3 copy must exist too (backup.sh ignores a failed upload).
#
# A dump without role definitions (backup-container before 2.9.0 runs pg_dump only) gets them
# appended here, as 2.10.2 and later append theirs: `pg_dumpall --roles-only --no-role-passwords`
# of the same server, so a restore can create the roles the dump's grants and owners name.

# The database the image dumps: the first `[postgres=]<host>:<port>/<db>` line of BACKUP_CONF.
read_spec() {
  local spec
  spec=$(grep -m 1 -E '^([a-z]+=)?[A-Za-z0-9_.-]+(:[0-9]+)?/[A-Za-z0-9_-]+$' "$BACKUP_CONF") || fail "no database in $BACKUP_CONF"
  spec=${spec#*=}
  spec_host=${spec%%[:/]*}
  spec_port=5432
  [[ "$spec" == *:* ]] && spec_port=${spec#*:} && spec_port=${spec_port%%/*}
  return 0
}

append_roles() {
  local file=$1 roles
  read_spec
  roles=$(mktemp "${file%/*}/.pgfleet-roles.XXXXXX") || fail "cannot create a file beside $file"
  if ! PGPASSWORD="$DATABASE_PASSWORD" pg_dumpall -h "$spec_host" -p "$spec_port" -U "$DATABASE_USER" --roles-only --no-role-passwords | gzip >"$roles"; then
    rm -f "$roles" "$file"
    fail "pg_dumpall --roles-only of $spec_host:$spec_port failed; $file is removed so no restore picks a dump without its roles"
  fi
  cat "$roles" >>"$file"
  rm -f "$roles"
  log "appended the role definitions of $spec_host:$spec_port (this backup-container release dumps none)"
}

take_dump() {
  local started new status=0 parts
  mkdir -p "$backup_dir"
  # Markers of Jobs killed before they could clean up.
  find "$backup_dir" -maxdepth 1 -name '.pgfleet-dump-started.*' -mmin +1440 -delete 2>/dev/null || true
  started=$(mktemp "${backup_dir%/}/.pgfleet-dump-started.XXXXXX") || fail "cannot create a file in $backup_dir"
  log "dumping $DUMP_PREFIX into $backup_dir"
  "${BACKUP_SH:-/backup.sh}" -1 >&2 || status=$?
  new=$(find_dumps -newer "$started" | tail -n 1 | cut -d' ' -f2-)
  rm -f "$started"
  ((status == 0)) || fail "backup.sh -1 exited with $status"
  [[ -n "$new" ]] || fail "backup.sh finished without writing a dump of $DUMP_PREFIX (it logs a failed dump and still exits 0; see its output above)"
  if ! parts=$(dump_parts "$new"); then
    rm -f "$new"
    fail "backup.sh wrote $new, but gzip finds it damaged; the file is removed so no restore picks it"
  fi
  if [[ "$parts" != data* ]]; then
    rm -f "$new"
    fail "backup.sh wrote $new, but its pg_dump did not finish (no \"-- PostgreSQL database dump complete\"); the file is removed so no restore picks it"
  fi
  [[ "$parts" == *roles ]] || append_roles "$new"
  # backup.sh copies the dump with mc (alias minio_s3) and ignores a failed copy.
  if [[ -n "${S3_ENDPOINT:-}" ]]; then
    mc stat "minio_s3/$S3_BUCKET/${new##*/}" >/dev/null 2>&1 || fail "backup.sh wrote $new, but its S3 copy s3://$S3_BUCKET/${new##*/} at $S3_ENDPOINT is missing (backup.sh ignores a failed mc cp; see its output above)"
    log "copied to s3://$S3_BUCKET/${new##*/}"
  fi
  log "wrote $new"
  printf '%s\n' "$new"
}
