#!/bin/sh
# Without vmsimrec (VMSIM_VALGRIND_LIB names a directory without it) vmsim record says so
# in one note and records through lackey; `--tool vmsimrec` then fails (exit 2), and an
# unknown --tool is refused.
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not found (Debian: valgrind): vmsim record not checked" >&2; exit 77; }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
VMSIM_VALGRIND_LIB=$t $VMSIM record -o "$t/true.vt" -- true 2>"$t/err" || { cat "$t/err" >&2; exit 1; }
[ "$(grep -c 'note: vmsimrec is not built' "$t/err")" = 1 ] || { cat "$t/err" >&2; exit 1; }
$VMSIM trace --count "$t/true.vt" | grep -q '^source *valgrind lackey: true$' || exit 1
VMSIM_VALGRIND_LIB=$t $VMSIM record --tool vmsimrec -o "$t/x.vt" -- true 2>"$t/err"
[ $? -eq 2 ] || exit 1
grep -q "^vmsim record: --tool vmsimrec: the tool is not built" "$t/err" || exit 1
[ ! -e "$t/x.vt" ] || exit 1
$VMSIM record --tool cachegrind -o "$t/x.vt" -- true 2>"$t/err"
[ $? -eq 2 ] || exit 1
grep -q "^vmsim record: --tool: expected vmsimrec or lackey, not 'cachegrind'$" "$t/err" || exit 1
