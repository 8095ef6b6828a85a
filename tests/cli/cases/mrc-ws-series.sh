#!/bin/sh
# mrc --ws-series OUT plots the working-set size over time of the same input: one line per
# window (--tau T, or windows of 10, 100, ... below the input's length).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*" >&2; exit 1; }
has() { grep -q -- "$1" "$2" || fail "$2: expected $1"; }
"$VMSIM" mrc --ws-series "$tmp/a.svg" tests/data/trace/mrc.lackey >/dev/null || fail "mrc --ws-series failed"
[ "$(grep -c '<g class="series"' "$tmp/a.svg")" = 3 ] || fail "expected 3 windows (1841 references)"
for t in 10 100 1000; do has "<text [^>]*>tau = $t</text>" "$tmp/a.svg"; done
has '<text class="title"[^>]*>Working-set size |W(t, tau)|</text>' "$tmp/a.svg"
has 'trace mrc.lackey, pages of 4 KiB, machine core-i7; 1841 references, 90 distinct pages' "$tmp/a.svg"
has 'virtual time t (references)' "$tmp/a.svg"
has 'working-set size (pages)' "$tmp/a.svg"
# one window; the points are those of `vmsim pages --ws-series` (the last is 3 pages)
"$VMSIM" mrc --tau 4 --ws-series "$tmp/b.svg" --file tests/data/refs/textbook.txt >/dev/null || fail "mrc --tau --ws-series failed"
[ "$(grep -c '<g class="series"' "$tmp/b.svg")" = 1 ] || fail "expected 1 window"
has '>Working-set size |W(t, tau)|, tau = 4</text>' "$tmp/b.svg"
has 'reference string textbook.txt; 20 references' "$tmp/b.svg"
exit 0
