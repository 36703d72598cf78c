# shellcheck shell=bash
# Shared by every backup-container Job pgfleet renders (composed in job-scripts.ts). Everything
# that varies comes from the container's environment; no config value is spliced into shell.
set -euo pipefail
shopt -s inherit_errexit
# Messages go to stderr: stdout of the functions below carries file names.
log() { echo "pgfleet: $*" >&2; }
fail() {
  echo "pgfleet: error: $*" >&2
  exit 1
}
