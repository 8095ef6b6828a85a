#!/bin/sh
# mrc's curves do not depend on how many worker threads simulate the sizes: --threads 4
# (more workers than CPUs, several policies simulated per size, the stack ones simulated
# too) prints exactly what --threads 1 prints. Under ThreadSanitizer (tests/tsan.sh) this
# is the case that runs the workers concurrently.
trace=tests/data/trace/mrc.lackey
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
set -- mrc --policy lru,fifo,clock,clock-pro,arc,random --simulate --sizes 1-8,13,21,90 --csv
"$VMSIM" "$@" --threads 1 "$trace" >"$tmp/one" || exit 1
"$VMSIM" "$@" --threads 4 "$trace" >"$tmp/four" || exit 1
[ "$(wc -l <"$tmp/one")" -gt 60 ] || { echo "expected more than 60 rows" >&2; exit 1; }
cmp "$tmp/one" "$tmp/four" >&2 || { diff "$tmp/one" "$tmp/four" | head >&2; exit 1; }
