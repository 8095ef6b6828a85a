#!/bin/sh
# vmsim record of a program that cannot run: exit 2, a message, and no output file left.
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not found (Debian: valgrind): vmsim record not checked" >&2; exit 77; }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
$VMSIM record -o "$t/x.vt" -- /nonexistent/program 2>"$t/err"
[ $? -eq 2 ] || exit 1
grep -q "^vmsim record: valgrind produced no trace" "$t/err" || exit 1
[ ! -e "$t/x.vt" ] || exit 1
# An old OUT survives a failed recording (before, it was removed), and nothing is left
# beside it: the trace went to a temporary file that the failure removed.
echo old > "$t/x.vt"
$VMSIM record -o "$t/x.vt" -- /nonexistent/program 2>"$t/err"
[ $? -eq 2 ] || exit 1
[ "$(cat "$t/x.vt")" = old ] || { echo "the old x.vt was changed or removed" >&2; exit 1; }
[ "$(ls -A "$t" | tr '\n' ' ')" = "err x.vt " ] || { echo "left: $(ls -A "$t")" >&2; exit 1; }
