#!/bin/sh
# Runs every suite of one build variant and ends with "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR
out=$1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
echo "== tests in $out"
"$out/unit-tests" | tee -a "$log" || status=1
sh tests/cli/run.sh "$out" | tee -a "$log"
[ $? -eq 0 ] || status=1
sh fuzz/replay.sh "$out" | tee -a "$log" || status=1
awk '/passed, .* failed/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f; exit (f > 0) }' "$log" || status=1
exit $status
