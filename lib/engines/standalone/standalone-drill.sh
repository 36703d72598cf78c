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
# As the restore Job's import.sh: gzip checks its CRC and length, and pg_dumpall's closing comment
# tells a dump cut short (blackbox's gzip of a pg_dump that died midway is a valid gzip file).
last=$(gzip -dc -- "$file" 2> /dev/null | tail -n 8) || fail "$DRILL_BACKUP is not a complete gzip file"
grep -qx -- '-- PostgreSQL database cluster dump complete' <<< "$last" ||
  fail "$DRILL_BACKUP does not end with pg_dumpall's closing comment (a cut-off dump, or not made by pg_dumpall)"
RESTORED_TO=$(file_time "$file")
say "restoring dump $DRILL_BACKUP into a scratch server"
start_empty
load_dump "$file" postgres
run_check
