#!/bin/sh
# SIGINT or SIGTERM during `vmsim trace` or `vmsim mrc` (here on an endless trace from a
# pipe) stops the run: the statistics of the references run so far are written, marked
# interrupted ("status: interrupted", "partial": true in JSON), to -o OUT, which is renamed
# into place holding them; plot files are not drawn (an old one stays as it was); no
# temporary file is left; the exit status is 128 + the signal (130, 143). timeout: a
# command that ignores the signal fails the test instead of running on.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
# An endless trace: awk ends (SIGPIPE) when vmsim closes the pipe.
endless() {
    awk 'BEGIN { for (;;) for (i = 0; i < 4096; i++) printf "I  %x,4\n L %x,8\n", 4194304 + i * 4, 268435456 + i * 64 }'
}
# stopped SIG WANT_RC OUT MARKED COMMAND...: run the command on the endless trace, send SIG
# after a second, expect WANT_RC and OUT holding partial results (marked interrupted unless
# MARKED is "unmarked": --interval rows have no status column; stderr says it).
stopped() {
    sig=$1 want=$2 out=$3 marked=$4; shift 4
    echo old > "$out"
    echo old > old.svg
    endless | timeout 20 "$@" 2> err &
    pid=$!
    sleep 1
    # the process under timeout is its child: signal vmsim itself
    vpid=$(ps -o pid= --ppid $pid 2>/dev/null | head -n 1)
    kill -"$sig" ${vpid:-$pid}
    wait $pid; rc=$?
    [ $rc = "$want" ] || { echo "FAIL: $* (SIG$sig): exit status $rc, expected $want" >&2; cat err >&2; fail=1; }
    grep -q "interrupted by SIG$sig" err || { echo "FAIL: $* (SIG$sig): stderr:" >&2; cat err >&2; fail=1; }
    [ "$marked" = unmarked ] || grep -q "interrupted" "$out" || { echo "FAIL: $* (SIG$sig): $out is not marked interrupted:" >&2; head -5 "$out" >&2; fail=1; }
    [ "$(cat old.svg)" = old ] || { echo "FAIL: $* (SIG$sig): the plot was written" >&2; fail=1; }
    [ -s "$out" ] && [ "$(cat "$out")" != old ] || { echo "FAIL: $* (SIG$sig): $out not written" >&2; fail=1; }
    left=$(ls -A | grep tmp)
    [ -z "$left" ] || { echo "FAIL: $* (SIG$sig): temporary files left: $left" >&2; fail=1; }
}
stopped INT 130 res.txt marked "$VMSIM" trace --no-progress -o res.txt -
grep -q '^partial statistics: the run was interrupted$' res.txt || { echo "FAIL: text: no partial line" >&2; fail=1; }
grep -Eq '^references +[1-9]' res.txt || { echo "FAIL: text: no references counted" >&2; fail=1; }
stopped TERM 143 res.json marked "$VMSIM" trace --no-progress --json -o res.json -
grep -q '^{"partial":true,' res.json || { echo "FAIL: json: not partial" >&2; fail=1; }
grep -q '"status":"interrupted"' res.json || { echo "FAIL: json: no interrupted status" >&2; fail=1; }
stopped TERM 143 res.csv unmarked "$VMSIM" trace --no-progress --interval 100000 --svg old.svg -o res.csv -
stopped INT 130 mrc.txt marked "$VMSIM" mrc --policy lru,fifo --svg old.svg -o mrc.txt -
grep -q '^status: interrupted$' mrc.txt || { echo "FAIL: mrc: no status line" >&2; fail=1; }
stopped TERM 143 mrc.csv marked "$VMSIM" mrc --csv --policy lru -o mrc.csv -
exit $fail
