#!/bin/sh
# The threaded tests under ThreadSanitizer (`make tsan`, part of `make test`): the MRC
# workers (vmsim mrc --threads), the trace reader threads (vmsim trace) and the
# decompression thread (compressed traces), checkpoints taken and resumed while reader
# threads run, the feed ring's unit tests, and fault injection while those threads
# allocate. A report stops the process with status 66 and
# is written under a log directory checked at the end, so a report fails the run even
# where a test ignores the exit status. Ends with "N passed, N failed" like tests/run.sh.
# Usage: tests/tsan.sh BUILD_DIR (built with MODE=tsan)
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TSAN_OPTIONS="halt_on_error=1 exitcode=66 log_path=$tmp/report ${TSAN_OPTIONS:-}"
export TSAN_OPTIONS
status=0
echo "== threaded tests under ThreadSanitizer in $out"
for t in feed_ trace_decode_ahead tracesim_reader_thread tracesim_alloc_failures \
         mrc_records_alloc_failures mrc_progress_per_size; do
    "$out/unit-tests" "$t" >"$tmp/unit" 2>&1
    rc=$?
    cat "$tmp/unit" >>"$tmp/log"
    grep -v '^unit: ' "$tmp/unit"
    [ $rc -eq 0 ] || { status=1; echo "FAIL unit-tests $t (status $rc)"; }
done
grep '^unit: ' "$tmp/log" | awk '{ p += $2; f += $4; s += $6 }
    END { printf "unit: %d passed, %d failed, %d skipped\n", p, f, s }'
for c in mrc trace-sim trace-count trace-thrashing trace-checkpoint-modes trace-checkpoint-kill; do
    sh tests/cli/run.sh "$out" "$c" >"$tmp/cli" 2>&1
    [ $? -eq 0 ] || status=1
    cat "$tmp/cli" >>"$tmp/log"
    grep -v '^cli: ' "$tmp/cli"
done
grep '^cli: ' "$tmp/log" | awk '{ p += $2; f += $4; s += $6 }
    END { printf "cli: %d passed, %d failed, %d skipped\n", p, f, s }'
for r in "$tmp"/report*; do
    [ -e "$r" ] || continue
    status=1
    echo "FAIL ThreadSanitizer report:"
    cat "$r"
done
awk '/^(unit|cli): .* passed, .* failed/ { p += $2; f += $4 }
     END { printf "%d passed, %d failed\n", p, f }' "$tmp/log"
exit $status
