#!/bin/sh
# trace --interval N --png OUT and mrc --ws-series OUT.png draw through gnuplot (skipped
# when gnuplot is not installed).
command -v gnuplot >/dev/null 2>&1 || { echo "gnuplot not found (Debian: gnuplot-nox): --png plots not checked" >&2; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*" >&2; exit 1; }
png() { [ "$(od -An -tx1 -N4 "$1" | tr -d ' \n')" = 89504e47 ] || fail "$1: not a PNG"; }
"$VMSIM" trace --interval 100 --png "$tmp/a.png" --svg "$tmp/a.svg" tests/data/trace/pages.lackey >"$tmp/rows" || fail "trace --png failed"
png "$tmp/a.png"
[ -s "$tmp/a.svg" ] && [ "$(wc -l <"$tmp/rows")" = 7 ] || fail "expected the SVG and 7 rows too"
"$VMSIM" mrc --policy lru,opt --ws-series "$tmp/ws.png" --png "$tmp/m.png" --logx tests/data/trace/mrc.lackey >/dev/null || fail "mrc --ws-series .png failed"
png "$tmp/ws.png"
png "$tmp/m.png"
PATH=/nonexistent "$VMSIM" trace --interval 100 --png "$tmp/b.png" tests/data/trace/pages.lackey >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'gnuplot not found' "$tmp/err" || fail "expected 'gnuplot not found'"
exit 0
