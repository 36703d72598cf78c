# shellcheck shell=bash
# pgfleet: the start of every bash script of the standalone engine's Jobs (job-prelude.sh, then the
# script): strict mode, libpq's target, the wait-for loop and `fail`.
set -euo pipefail
export LC_ALL=C
fail() { echo "pgfleet: $*" >&2; exit 1; }
: "${PGHOST:?PGHOST names the server}" "${PGUSER:?PGUSER names the superuser}" "${DUMP_DIR:?DUMP_DIR holds the dumps}"
export PGPORT="${PGPORT:-5432}" PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-10}"
deadline=$(( $(date +%s) + ${WAIT_SECONDS:-600} ))
wait_for() { # wait_for <what> <command...>: retry until the command succeeds or WAIT_SECONDS pass
  local what="$1"; shift
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "gave up waiting for $what after ${WAIT_SECONDS:-600}s"
    sleep 2
  done
}
