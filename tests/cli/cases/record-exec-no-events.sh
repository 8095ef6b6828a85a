#!/bin/sh
# vmsim record --no-events of a program that execs another: the first program's records
# are the trace (Valgrind does not follow the execve without events, as with lackey), the
# recording succeeds and a note says the new program was not traced.
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not found (Debian: valgrind): vmsim record not checked" >&2; exit 77; }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
$VMSIM record --no-events -o "$t/x.vt" -- /bin/sh -c 'exec /bin/true' 2>"$t/err" || { cat "$t/err" >&2; exit 1; }
grep -q "recording through lackey" "$t/err" && { echo "SKIP: vmsimrec not built" >&2; exit 77; }
grep -q "^vmsim record: note: process [0-9]* called execve and the new program was not traced$" "$t/err" || { cat "$t/err" >&2; exit 1; }
$VMSIM trace --count "$t/x.vt" > "$t/count" || exit 1
n=$(awk '$1 == "records" { print $2 }' "$t/count")
[ "$n" -gt 1000 ] || { echo "only $n records" >&2; exit 1; }
