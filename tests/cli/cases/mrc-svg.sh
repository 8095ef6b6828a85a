#!/bin/sh
# mrc --svg writes a plot with one line per policy and labelled axes.
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
"$VMSIM" mrc --policy lru,opt,fifo --svg "$out" --file tests/data/refs/textbook.txt >/dev/null || exit 1
[ "$(grep -c '<g class="series"' "$out")" = 3 ] || { echo "expected 3 series" >&2; exit 1; }
grep -q 'memory size (frames)' "$out" && grep -q 'miss ratio' "$out" && grep -q '</svg>' "$out" || exit 1
"$VMSIM" pages --ws-series --tau 4 --svg "$out" --file tests/data/refs/textbook.txt >/dev/null || exit 1
grep -q 'working-set size' "$out" || exit 1
