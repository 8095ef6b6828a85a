#!/bin/sh
# vmsim record runs a real program under valgrind and writes a binary trace: through
# vmsimrec (when built) with --no-events a 1.0 trace today's reader counts, and through
# lackey with --tool lackey.
command -v valgrind >/dev/null 2>&1 || { echo "valgrind not found (Debian: valgrind): vmsim record not checked" >&2; exit 77; }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
for tool in vmsimrec lackey; do
    $VMSIM record --tool $tool --no-events -o "$t/true.vt" -- true 2>"$t/err" || {
        [ $tool = vmsimrec ] && grep -q "the tool is not built" "$t/err" && continue
        cat "$t/err" >&2; exit 1; }
    grep -q "^vmsim record: $t/true.vt: [0-9]* records written$" "$t/err" || exit 1
    $VMSIM trace --count "$t/true.vt" > "$t/count" || exit 1
    grep -q '^format *vmsim$' "$t/count" || exit 1
    grep -q "^source *valgrind $tool: true\$" "$t/count" || exit 1
    n=$(awk '$1 == "records" { print $2 }' "$t/count")
    [ "$n" -gt 1000 ] || { echo "only $n records" >&2; exit 1; }
done
