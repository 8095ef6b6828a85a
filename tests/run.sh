#!/bin/sh
# Runs every suite of one build variant and ends with "N passed, N failed".
# Usage: tests/run.sh BUILD_DIR
out=$1
log=$(mktemp)
status=0
echo "== tests in $out"
rc=$(mktemp)
trap 'rm -f "$log" "$rc"' EXIT
# suite CMD...: runs one suite, its output shown and logged; a suite that fails (or crashes
# before printing its summary line) fails the run: POSIX sh has no pipefail, so the
# status travels through a file.
suite() {
    { "$@"; echo $? >"$rc"; } | tee -a "$log"
    [ "$(cat "$rc")" = 0 ] || { echo "FAIL: $* exited with status $(cat "$rc")"; status=1; }
}
suite "$out/unit-tests"
suite sh tests/cli/run.sh "$out"
suite sh fuzz/replay.sh "$out"
awk '/passed, .* failed/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f; exit (f > 0) }' "$log" || status=1
exit $status
