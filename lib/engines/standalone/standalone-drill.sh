# shellcheck shell=bash
# shellcheck disable=SC2034 # RESTORED_TO is read by run_check (drill-prelude.sh, composed first)
: "${DUMP_DIR:?DUMP_DIR holds the dumps}" "${DUMP_PATTERN:?DUMP_PATTERN names them}"
verify="${DUMP_VERIFY:-sha512}"
case "$verify" in sha512 | gzip) ;; *) fail "DUMP_VERIFY is sha512 or gzip, not $verify" ;; esac
file=""
for f in "$DUMP_DIR"/$DUMP_PATTERN; do
  if [ -f "$f" ] && { [ "$verify" = gzip ] || [ -f "$f.sha512" ]; }; then file="$f"; fi
done
[ -n "$file" ] || fail "no complete dump $DUMP_PATTERN in $DUMP_DIR"
DRILL_BACKUP="${file##*/}"
if [ "$verify" = sha512 ]; then
  expected=$(cut -d' ' -f1 < "$file.sha512")
  actual=$(sha512sum < "$file" | cut -d' ' -f1)
  [ "$actual" = "$expected" ] || fail "$DRILL_BACKUP: its sha512 is $actual but the dump recorded $expected (the file changed after it was written)"
  say "sha512 of $DRILL_BACKUP verified"
fi
gzip -t -- "$file" 2> /dev/null || fail "$DRILL_BACKUP is not a complete gzip file"
RESTORED_TO=$(file_time "$file")
say "restoring dump $DRILL_BACKUP into a scratch server"
start_empty
load_dump "$file" postgres
run_check
