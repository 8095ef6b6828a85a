#!/bin/sh
# The text table of several traces keeps its columns aligned whatever the paths: each
# column is as wide as its widest cell, the trace's whole path included (no truncation).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
long="$tmp/a-directory-with-a-rather-long-name-for-the-traces-of-this-experiment"
mkdir -p "$long" && cp tests/data/trace/pages.lackey "$long/pages.lackey" || exit 1
"$VMSIM" trace --quantum 50 tests/data/trace/small.lackey "$long/pages.lackey" > "$tmp/out" || exit 1
# the table: every line after the provenance line, the same length
tail -n +2 "$tmp/out" | awk 'NR == 1 { w = length($0) } length($0) != w { print "line " NR + 1 " is " length($0) " wide, the header " w ": " $0; bad = 1 } END { exit bad }' >&2 || exit 1
grep -q " $long/pages.lackey\$" "$tmp/out" || { echo "the trace line does not end with the whole path" >&2; exit 1; }
# the values under each header: process 2's column ends at the end of the line
[ "$(awk '$1 == "references" { print $NF }' "$tmp/out")" = 528 ] || { echo "references of process 2 not in the last column" >&2; exit 1; }
exit 0
