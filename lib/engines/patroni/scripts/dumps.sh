# shellcheck shell=bash
backup_dir="${BACKUP_DIR:-/backups/}"

# Dumps of DUMP_PREFIX (exactly <prefix>_<YYYY-MM-DD_HH-MM-SS>.sql.gz) under BACKUP_DIR, as
# "<stamp> <path>" lines in time order; the arguments are a find predicate (e.g. -newer FILE).
find_dumps() {
  local f name stamp
  { find "$backup_dir" -type f -name "${DUMP_PREFIX}_*.sql.gz" "$@" 2>/dev/null || true; } | while IFS= read -r f; do
    name=${f##*/}
    stamp=${name#"${DUMP_PREFIX}_"}
    stamp=${stamp%.sql.gz}
    if [[ "$stamp" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}-[0-9]{2}-[0-9]{2}$ ]]; then
      printf '%s %s\n' "$stamp" "$f"
    fi
  done | sort
}
list_dumps() { find_dumps -true; }

# What a dump holds, in one read: "data" when pg_dump's closing line is there, "roles" when a
# whole `pg_dumpall --roles-only` block is (before or after the data, depending on the release
# that wrote it). Fails when gzip finds the file damaged. The backup-container keeps, and names
# like any other, a dump whose pg_dump stopped half-way, and a truncated plain-SQL dump replays
# without an error: hence the closing line.
dump_parts() {
  gunzip -c "$1" 2>/dev/null | awk '
    $0 == "-- PostgreSQL database dump complete" { data = 1 }
    $0 == "-- PostgreSQL database cluster dump" { open = 1 }
    $0 == "-- PostgreSQL database cluster dump complete" && open { roles = 1 }
    END { print (data ? "data" : "none") (roles ? " roles" : "") }'
}
