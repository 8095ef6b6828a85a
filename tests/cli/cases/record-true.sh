#!/bin/sh
# vmsim record runs a real program under valgrind and writes a binary trace.
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not found (Debian: valgrind): vmsim record not checked" >&2; exit 77; }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
$VMSIM record -o "$t/true.vt" -- true 2>"$t/err" || { cat "$t/err" >&2; exit 1; }
grep -q "^vmsim record: $t/true.vt: [0-9]* records written$" "$t/err" || exit 1
$VMSIM trace --count "$t/true.vt" > "$t/count" || exit 1
grep -q '^format *vmsim$' "$t/count" || exit 1
grep -q '^source *valgrind lackey: true$' "$t/count" || exit 1
n=$(awk '$1 == "records" { print $2 }' "$t/count")
[ "$n" -gt 1000 ] || { echo "only $n records" >&2; exit 1; }
