#!/bin/sh
# mrc --png draws the curves through gnuplot (skipped when gnuplot is not installed).
command -v gnuplot >/dev/null 2>&1 || { echo "gnuplot not found (Debian: gnuplot-nox): mrc --png not checked" >&2; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
"$VMSIM" mrc --policy lru,opt,clock-pro --png "$tmp/it's.png" --title "mrc.lackey" tests/data/trace/mrc.lackey >/dev/null || exit 1
[ "$(od -An -tx1 -N4 "$tmp/it's.png" | tr -d ' \n')" = 89504e47 ] || { echo "not a PNG" >&2; exit 1; }
"$VMSIM" mrc --policy lru --png "$tmp/b.png" --svg "$tmp/b.svg" --file tests/data/refs/textbook.txt >/dev/null || exit 1
[ -s "$tmp/b.png" ] && [ -s "$tmp/b.svg" ] || exit 1
# An unwritable output: gnuplot's failure is reported with exit status 2.
"$VMSIM" mrc --policy lru --png "$tmp/no/such/dir.png" --file tests/data/refs/textbook.txt >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- '--png' "$tmp/err" || { echo "expected a --png error" >&2; cat "$tmp/err" >&2; exit 1; }
