#!/bin/sh
# Every command exits 2 when its results cannot be written (a full disk: /dev/full), with a
# message on stderr, and every output file is opened before the computation starts (a
# missing directory fails at once).
[ -c /dev/full ] || { echo "SKIP: /dev/full is not a character device on this host" >&2; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
T=tests/data/trace/small.lackey
# expect_2 DESCRIPTION COMMAND...: the command (stdout to /dev/full) exits 2 and says why.
full() {
    "$@" >/dev/full 2>"$tmp/err"; rc=$?
    if [ $rc != 2 ]; then echo "FAIL: '$*' >/dev/full: exit status $rc, expected 2" >&2; fail=1;
    elif ! grep -q 'vmsim[a-z ]*: .*writ' "$tmp/err"; then
        echo "FAIL: '$*' >/dev/full: no write error on stderr:" >&2; cat "$tmp/err" >&2; fail=1; fi
}
full "$VMSIM" --help
for c in machines translate run pages mrc trace record sweep merge; do full "$VMSIM" $c --help; done
full "$VMSIM" machines
full "$VMSIM" machines core-i7
full "$VMSIM" machines --keys
full "$VMSIM" translate --state examples/csapp-small.state 0x03d4
full "$VMSIM" translate --json --state examples/csapp-small.state 0x03d4
full "$VMSIM" run examples/fork-cow.vms
full "$VMSIM" pages --policy lru --frames 3 1 2 3 4 1 2
full "$VMSIM" pages --json --policy lru --frames 3 1 2 3 4 1 2
full "$VMSIM" pages --ws-series --tau 2 1 2 3 4 1 2
full "$VMSIM" mrc --policy lru $T
full "$VMSIM" mrc --csv --policy lru,fifo $T
full "$VMSIM" mrc --json --policy lru --file tests/data/refs/textbook.txt
full "$VMSIM" trace $T
full "$VMSIM" trace --json $T
full "$VMSIM" trace --csv $T $T
full "$VMSIM" trace --interval 100 $T
full "$VMSIM" trace --params --csv $T
full "$VMSIM" trace --count $T
full "$VMSIM" trace --convert din -o - $T
full "$VMSIM" trace -o /dev/full $T
full "$VMSIM" trace --convert vmsim -o /dev/full $T
full "$VMSIM" sweep --memory 1M,2M $T
full "$VMSIM" sweep -o /dev/full $T
full "$VMSIM" sweep --emit-jobs "$tmp/jobs" $T
full "$VMSIM" merge tests/data/merge/a.csv tests/data/merge/b.csv
full "$VMSIM" merge -o /dev/full tests/data/merge/a.csv
full "$VMSIM" mrc --svg /dev/full --policy lru $T

# Outputs are opened first: a missing directory fails in well under a second, before a
# grid of runs (or a trace) is computed.
early() {
    start=$(date +%s%N)
    "$@" >/dev/null 2>"$tmp/err"; rc=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [ $rc != 2 ]; then echo "FAIL: '$*': exit status $rc, expected 2" >&2; fail=1; fi
    if [ $ms -ge 1000 ]; then echo "FAIL: '$*' took $ms ms to fail" >&2; fail=1; fi
    grep -q "$tmp/missing" "$tmp/err" || { echo "FAIL: '$*': stderr does not name the file:" >&2; cat "$tmp/err" >&2; fail=1; }
}
big=$T
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do big="$big $T,$T,$T"; done
early "$VMSIM" sweep -j 1 --memory 64K,128K,256K,1M,4M --policy clock,lru,fifo,arc -o "$tmp/missing/r.csv" $big
early "$VMSIM" trace -o "$tmp/missing/out" $T
early "$VMSIM" trace --convert vmsim -o "$tmp/missing/out.vt" $T
early "$VMSIM" mrc --policy lru,fifo,clock --svg "$tmp/missing/p.svg" $T
early "$VMSIM" merge -o "$tmp/missing/m.csv" tests/data/merge/a.csv
early "$VMSIM" pages --ws-series --tau 2 --svg "$tmp/missing/w.svg" 1 2 3
exit $fail
