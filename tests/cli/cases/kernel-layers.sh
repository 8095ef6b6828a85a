#!/bin/sh
# The calls between src/kernel files run downward: every kernel function a file uses (its
# object's undefined symbols, and the inline helpers of internal.h it names) is defined in
# a file of an earlier row of the layer table in docs/hacking.md ("src/kernel"). The table
# is read from the document, so the document and the code cannot drift apart: a new file
# must be given its row, and a call upward fails here.
obj=$(dirname "$VMSIM")/obj/src/kernel
command -v nm >/dev/null || { echo "nm not found (binutils): kernel-layers not checked" >&2; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Row order of the table: "| 3 | `frame.c` | ..." -> frame
sed -n 's/^| *[0-9][0-9]* | `\([a-z0-9_]*\)\.c` |.*/\1/p' docs/hacking.md >"$tmp/order"
[ -s "$tmp/order" ] || { echo "kernel-layers: no layer table in docs/hacking.md" >&2; exit 1; }
ls src/kernel/*.c | sed 's|.*/||; s|\.c$||' | sort >"$tmp/files"
sort "$tmp/order" | diff - "$tmp/files" >"$tmp/d" ||
    { echo "kernel-layers: the table and src/kernel differ (< table only, > file only):" >&2; cat "$tmp/d" >&2; exit 1; }
# Definitions: global symbols of each object, and internal.h's inline helpers by the
# "/* FILE.c" section they stand in.
for f in $(cat "$tmp/order"); do
    [ -f "$obj/$f.o" ] || { echo "kernel-layers: $obj/$f.o not built" >&2; exit 1; }
    nm "$obj/$f.o" | awk -v f="$f" 'NF == 3 && $2 ~ /^[TDBR]$/ { print $3, f }' >>"$tmp/defs"
done
awk '/^\/\* [a-z0-9_]+\.c/ { sub(/\.c.*/, "", $2); cur = $2 }
     /^static inline/ && cur != "" { if (match($0, /[a-z_0-9]+\(/)) print substr($0, RSTART, RLENGTH - 1), cur }' \
    src/kernel/internal.h >"$tmp/inline"
bad=0
for f in $(cat "$tmp/order"); do
    { nm "$obj/$f.o" | awk '$1 == "U" { print $2 }'
      awk '{ print $1 }' "$tmp/inline" | while read -r fn; do
          grep -q "\\b$fn(" "src/kernel/$f.c" && echo "$fn"; done; } | sort -u >"$tmp/uses"
    out=$(awk -v f="$f" 'FILENAME == ARGV[1] { rank[$1] = FNR; next }
        FILENAME == ARGV[2] || FILENAME == ARGV[3] { owner[$1] = $2; next }
        ($1 in owner) && owner[$1] != f && rank[owner[$1]] > rank[f] { printf " %s (%s)", $1, owner[$1] }' \
        "$tmp/order" "$tmp/defs" "$tmp/inline" "$tmp/uses")
    if [ -n "$out" ]; then echo "kernel-layers: $f.c calls upward:$out" >&2; bad=1; fi
done
exit $bad
