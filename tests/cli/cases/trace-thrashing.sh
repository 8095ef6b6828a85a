#!/bin/sh
# vmsim trace warns when a run thrashes: a loop over 64 pages through 4 frames spends its
# simulated time on swap-ins; the same loop in 1 MiB of memory does not.
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
awk 'BEGIN { for (r = 0; r < 20; r++) for (p = 0; p < 64; p++) printf " S %x,8\n", 0x10000000 + p * 4096 }' >"$t/loop.lackey"
"$VMSIM" trace --memory 16K --swap 4M "$t/loop.lackey" >"$t/out" 2>"$t/err" || { cat "$t/err" >&2; exit 1; }
grep -q '^vmsim trace: warning: thrashing: ' "$t/err" || { echo "no thrashing warning:" >&2; cat "$t/err" >&2; exit 1; }
"$VMSIM" trace --memory 1M "$t/loop.lackey" >"$t/out2" 2>"$t/err2" || { cat "$t/err2" >&2; exit 1; }
if grep -q 'thrashing' "$t/err2"; then echo "warning with enough memory" >&2; exit 1; fi
exit 0
