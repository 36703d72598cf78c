# shellcheck shell=bash
if ! id -un > /dev/null 2>&1; then
  for lib in /usr/lib64/libnss_wrapper.so /usr/lib/libnss_wrapper.so /usr/lib/x86_64-linux-gnu/libnss_wrapper.so; do
    if [ -f "$lib" ]; then
      echo "postgres:x:$(id -u):$(id -g):postgres:$DRILL_SCRATCH:/bin/false" > "$DRILL_SCRATCH/tmp/passwd"
      export LD_PRELOAD="$lib" NSS_WRAPPER_PASSWD="$DRILL_SCRATCH/tmp/passwd" NSS_WRAPPER_GROUP=/etc/group
      break
    fi
  done
fi
load_dump() {
  local file="$1" database="$2" reader=cat
  case "$file" in *.gz) reader="gzip -dc" ;; esac
  $reader -- "$file" \
    | awk 'BEGIN { u = ENVIRON["PGUSER"]; plain = "CREATE ROLE " u ";"; quoted = "CREATE ROLE \"" u "\";" }
           !roles_done && /^\\connect / { roles_done = 1 }
           !roles_done && !skipped && ($0 == plain || $0 == quoted) { skipped = 1; next }
           { print }' \
    | psql -X --quiet -v ON_ERROR_STOP=1 -d "$database" > /dev/null 2> "$DRILL_SCRATCH/tmp/load.err" \
    || { tail -n 20 "$DRILL_SCRATCH/tmp/load.err" >&2; fail "the dump $DRILL_BACKUP did not load into the scratch server (psql stops at the first error)"; }
  if [ -s "$DRILL_SCRATCH/tmp/load.err" ]; then tail -n 20 "$DRILL_SCRATCH/tmp/load.err"; fi
}
file_time() { date -u -d "@$(stat -c %Y -- "$1")" +%Y-%m-%dT%H:%M:%SZ; }
