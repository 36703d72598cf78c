# shellcheck shell=bash
# Splits a dump for a restore: its roles first, then its data (restore.sh, verify-job.sh).

# One part of a dump on stdin: `roles` (the pg_dumpall block, without the CREATE ROLE of the names
# in $2, one quoted name a line, which the target already has) or `data` (everything else).
dump_part() {
  awk -v part="$1" -v existing="${2:-}" '
    BEGIN { n = split(existing, names, "\n"); for (i = 1; i <= n; i++) if (names[i] != "") have["CREATE ROLE " names[i] ";"] = 1 }
    $0 == "-- PostgreSQL database cluster dump" { roles = 1 }
    roles && part == "roles" {
      if ($0 in have) print "pgfleet: keeping the role the server has: " $0 > "/dev/stderr"
      else print
    }
    !roles && part == "data" { print }
    $0 == "-- PostgreSQL database cluster dump complete" { roles = 0 }
  '
}

# A role name as pg_dumpall writes it (quote_ident without the keyword list).
quote_ident() {
  if [[ "$1" =~ ^[a-z_][a-z0-9_$]*$ ]]; then
    printf '%s\n' "$1"
  else
    printf '"%s"\n' "${1//\"/\"\"}"
  fi
}
