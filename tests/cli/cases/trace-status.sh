#!/bin/sh
# Failures are marked, never silent: a run with a process killed by the out-of-memory
# killer, a process whose every access raised SIGSEGV, skipped lines or an empty trace exits
# 1, says so in one line on stderr and in the status field of JSON and CSV (and of a sweep
# row); a clean run is status ok and exits 0.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
d=tests/data/trace
fail=0
# check NAME WANT_RC STDERR_PATTERN OUTPUT_PATTERN COMMAND...
check() {
    name=$1 want=$2 errpat=$3 outpat=$4; shift 4
    "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc = "$want" ] || { echo "FAIL $name: exit status $rc, expected $want" >&2; fail=1; }
    if [ -n "$errpat" ]; then
        [ "$(grep -c -- "$errpat" "$tmp/err")" = 1 ] ||
            { echo "FAIL $name: expected one stderr line matching '$errpat':" >&2; cat "$tmp/err" >&2; fail=1; }
    fi
    grep -q -- "$outpat" "$tmp/out" ||
        { echo "FAIL $name: output lacks '$outpat':" >&2; head -c 600 "$tmp/out" >&2; fail=1; }
}
: > "$tmp/empty.lackey"
printf 'I  00401000,3\n L 10000000,8\n L zz,4\n S 10000008,8\n' > "$tmp/bad.lackey"

check ok 0 '' '"status":"ok","killed":0,"references":304,' "$VMSIM" trace --json $d/small.lackey
check ok-csv 0 '' '^total,tests/data/trace/small.lackey,ok,0,' "$VMSIM" trace --csv $d/small.lackey
check killed 1 'killed by the out-of-memory killer' '"status":"killed","killed":1,' \
    "$VMSIM" trace --memory 32K --json $d/pages.lackey
grep -q '"trace":"tests/data/trace/pages.lackey","killed":true,"status":"killed",' "$tmp/out" ||
    { echo "FAIL killed: the process is not marked" >&2; fail=1; }
check killed-csv 1 'killed by the out-of-memory' '^1,tests/data/trace/pages.lackey,killed,1,' \
    "$VMSIM" trace --memory 32K --csv $d/pages.lackey $d/small.lackey
grep -q '^total,"[^"]*",killed,1,' "$tmp/out" && grep -q '^2,tests/data/trace/small.lackey,ok,0,' "$tmp/out" ||
    { echo "FAIL killed-csv: total or process 2 row" >&2; cat "$tmp/out" >&2; fail=1; }
check killed-text 1 'killed by the out-of-memory' '^status: killed$' \
    "$VMSIM" trace --memory 32K $d/pages.lackey
# a real trace on csapp-small: its addresses do not fit in 14 bits
check segv 1 'every access of process 1 raised SIGSEGV' '"status":"segv","killed":0,' \
    "$VMSIM" trace --machine csapp-small --json $d/small.lackey
check skipped 1 '1 malformed line skipped' '^total,[^,]*,skipped,0,' \
    "$VMSIM" trace --skip-bad --csv "$tmp/bad.lackey"
check empty 1 'warning: .*empty trace' '"status":"empty","killed":0,"references":0,' \
    "$VMSIM" trace --json "$tmp/empty.lackey"
check two-marks 1 'empty trace' '^status: skipped+empty$' \
    "$VMSIM" trace --skip-bad "$tmp/bad.lackey" "$tmp/empty.lackey"
# bad input stays exit 2, partial
check partial 2 'bad.lackey:3' '^{"partial":true,"vmsim":.*,"status":"partial",' \
    "$VMSIM" trace --json "$tmp/bad.lackey"
# --params (a sweep's row) and the sweep itself
check params 1 'killed by' '^core-i7,,32768,0,clock,10000,tests/data/trace/pages.lackey,killed,1,' \
    "$VMSIM" trace --params --memory 32K $d/pages.lackey
check sweep 1 'sweep: 1 of 2 runs completed with marks' ',tests/data/trace/pages.lackey,killed,1,' \
    "$VMSIM" sweep -j 1 --memory 32K,1M $d/pages.lackey
grep -q '^core-i7,,1048576,0,clock,10000,tests/data/trace/pages.lackey,ok,0,' "$tmp/out" ||
    { echo "FAIL sweep: the clean row" >&2; cat "$tmp/out" >&2; fail=1; }
# counting and converting: the skipped lines are said and the exit status is 1
check count-skipped 1 '1 malformed line skipped' '^skipped bad lines        1$' \
    "$VMSIM" trace --count --skip-bad "$tmp/bad.lackey"
check count-ok 0 '' '^hash                     [0-9a-f]\{16\}$' "$VMSIM" trace --count $d/small.lackey
check convert-skipped 1 '1 malformed line skipped' '' \
    "$VMSIM" trace --convert din --skip-bad -o - "$tmp/bad.lackey"
exit $fail
