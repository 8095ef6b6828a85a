#!/bin/sh
# SIGTERM or SIGINT killing `vmsim sweep -o OUT` or `vmsim trace --convert F -o OUT`
# removes OUT's temporary file first: an old OUT stays as it was, nothing half-written is
# left beside it (the exit is the signal's).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
T=$PWD/tests/data/trace/small.lackey
cd "$tmp" || exit 1
fail=0
grid=$T
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do grid="$grid $T"; done
for sig in TERM INT; do
    echo old > r.csv
    timeout 60 "$VMSIM" sweep -j 1 --memory 64K,128K,256K,512K,1M,2M,4M,8M --policy clock,lru,fifo,arc -o r.csv $grid 2> err &
    pid=$!
    i=0
    while [ $i -lt 50 ] && ! ls -A | grep -q tmp; do sleep 0.1; i=$((i + 1)); done
    ls -A | grep -q tmp || { echo "FAIL: SIG$sig: no temporary file while running" >&2; fail=1; }
    vpid=$(ps -o pid= --ppid $pid 2>/dev/null | head -n 1)
    kill -"$sig" ${vpid:-$pid}
    wait $pid; rc=$?
    [ $rc -ne 0 ] || { echo "FAIL: SIG$sig: exit status 0" >&2; fail=1; }
    [ "$(cat r.csv)" = old ] || { echo "FAIL: SIG$sig: r.csv changed" >&2; fail=1; }
    left=$(ls -A | grep tmp)
    [ -z "$left" ] || { echo "FAIL: SIG$sig: left: $left" >&2; fail=1; }
done
# --convert of an endless trace (awk ends with SIGPIPE)
for sig in TERM INT; do
    echo old > c.vt
    awk 'BEGIN { for (;;) for (i = 0; i < 4096; i++) printf "I  %x,4\n", 4194304 + i * 4 }' |
        timeout 60 "$VMSIM" trace --convert vmsim -o c.vt - 2> err &
    pid=$!
    sleep 1
    ls -A | grep -q tmp || { echo "FAIL: convert SIG$sig: no temporary file while running" >&2; fail=1; }
    vpid=$(ps -o pid= --ppid $pid 2>/dev/null | head -n 1)
    kill -"$sig" ${vpid:-$pid}
    wait $pid; rc=$?
    [ $rc -ne 0 ] || { echo "FAIL: convert SIG$sig: exit status 0" >&2; fail=1; }
    [ "$(cat c.vt)" = old ] || { echo "FAIL: convert SIG$sig: c.vt changed" >&2; fail=1; }
    left=$(ls -A | grep tmp)
    [ -z "$left" ] || { echo "FAIL: convert SIG$sig: left: $left" >&2; fail=1; }
done
exit $fail
