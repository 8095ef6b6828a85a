#!/bin/sh
# SIGTERM or SIGINT killing `vmsim sweep` (a grid of slow runs, two at a time, killed after
# a second): the signal is sent on to the running children, which stop with their
# statistics so far (status interrupted); the sweep waits for them (none is left running),
# starts no other run, removes its temporary directory, writes the table — the rows of the
# runs that finished or stopped, and a row marked not-run for every other run, in grid
# order — to -o OUT (or standard output), and exits 128 + the signal (143, 130).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
mkdir t || exit 1
TMPDIR=$tmp/t
export TMPDIR
# 400 K references; a run of 24 of them as processes (10^7 references) takes seconds
awk 'BEGIN { for (j = 0; j < 100; j++) for (i = 0; i < 4096; i++) printf " L %x,4\n", 4194304 + ((i * 7919 + j * 31) % 65536) * 64 }' > m.lackey
w=m.lackey
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23; do w=$w,m.lackey; done
fail=0
for sig in TERM INT; do
    rm -f r.csv out err
    if [ $sig = TERM ]; then
        "$VMSIM" sweep -j 2 --no-progress --memory 1G,2G,3G --policy clock,lru -o r.csv $w > out 2> err &
    else
        "$VMSIM" sweep -j 2 --no-progress --memory 1G,2G,3G --policy clock,lru $w > r.csv 2> err &
    fi
    pid=$!
    ( sleep 60; kill -9 $pid 2>/dev/null ) &
    dog=$!
    sleep 1
    kids=$(ps -o pid= --ppid $pid 2>/dev/null)
    [ -n "$kids" ] || { echo "FAIL: SIG$sig: no run going after a second" >&2; fail=1; }
    [ -n "$(ls -A t)" ] || { echo "FAIL: SIG$sig: no temporary directory while running" >&2; fail=1; }
    kill -$sig $pid
    wait $pid; rc=$?
    kill $dog 2>/dev/null
    if [ $sig = TERM ]; then want=143; else want=130; fi
    [ $rc = $want ] || { echo "FAIL: SIG$sig: exit status $rc, expected $want" >&2; cat err >&2; fail=1; }
    for k in $kids; do
        if kill -0 "$k" 2>/dev/null; then
            echo "FAIL: SIG$sig: run $k still running" >&2; fail=1; kill -9 "$k"
        fi
    done
    left=$(ls -A t)
    [ -z "$left" ] || { echo "FAIL: SIG$sig: left in TMPDIR: $left" >&2; fail=1; }
    [ -z "$(ls -A | grep tmp)" ] || { echo "FAIL: SIG$sig: a temporary file left" >&2; fail=1; }
    # header + 6 rows in grid order (memory outermost, then policy)
    [ "$(wc -l < r.csv)" = 7 ] || { echo "FAIL: SIG$sig: $(wc -l < r.csv) lines" >&2; cat r.csv >&2; fail=1; }
    got=$(tail -n +2 r.csv | awk -F'"' '{ split($1, a, ","); split($3, b, ","); print a[3] " " a[5] " " b[2] }' | tr '\n' ';')
    case "$got" in
    "1073741824 clock interrupted;1073741824 lru interrupted;2147483648 clock not-run;2147483648 lru not-run;3221225472 clock not-run;3221225472 lru not-run;") ;;
    *) echo "FAIL: SIG$sig: rows: $got" >&2; fail=1 ;;
    esac
    # the stopped rows hold statistics; the not-run rows none
    head -n 1 r.csv | grep -q '^machine,set,memory,swap,policy,quantum,trace,status,killed,vmsim.version,' ||
        { echo "FAIL: SIG$sig: header" >&2; fail=1; }
    grep -q "interrupted by SIG$sig: 0 of 6 runs finished, 2 stopped (status interrupted), 4 not run (status not-run)" err ||
        { echo "FAIL: SIG$sig: message" >&2; cat err >&2; fail=1; }
done
exit $fail
