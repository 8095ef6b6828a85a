#!/bin/sh
# I/O faults while traces are read (VMSIM_IO_FAULT, docs/testing.md "I/O fault injection"),
# at each read of a plain and a gzip trace, N = 1, 2, ...: EINTR and short reads are
# survived (the statistics are those of the clean run); EIO stops the run with exit 2 and
# the message naming the trace, and statistics printed by then are marked partial.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
set -- tests/data/trace/pages.lackey tests/data/trace/small.lackey.gz
"$VMSIM" trace "$@" >"$tmp/want" 2>/dev/null || { echo "FAIL: the clean run fails" >&2; exit 1; }
partial=0
n=1
while [ $n -le 100 ]; do
    VMSIM_IO_FAULT=eio:$n:trace/ "$VMSIM" trace "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc -eq 0 ] && break
    [ $rc -eq 2 ] || { echo "FAIL eio:$n: exit $rc" >&2; fail=1; }
    grep -q "trace/[a-z.]*: read: Input/output error" "$tmp/err" ||
        { echo "FAIL eio:$n: $(cat "$tmp/err")" >&2; fail=1; }
    if [ -s "$tmp/out" ]; then
        grep -q "^partial statistics: the run stopped at an error" "$tmp/out" ||
            { echo "FAIL eio:$n: statistics not marked partial" >&2; fail=1; }
        partial=$((partial + 1))
    fi
    n=$((n + 1))
done
calls=$((n - 1))
cmp -s "$tmp/out" "$tmp/want" || { echo "FAIL eio:$n (no fault): differs" >&2; fail=1; }
[ $calls -ge 3 ] && [ $calls -lt 100 ] || { echo "FAIL: $calls read calls" >&2; fail=1; }
[ $partial -ge 1 ] || { echo "FAIL: no partial statistics seen" >&2; fail=1; }
for kind in eintr short; do
    n=1
    while [ $n -le $calls ]; do
        VMSIM_IO_FAULT=$kind:$n:trace/ "$VMSIM" trace "$@" >"$tmp/out" 2>/dev/null ||
            { echo "FAIL $kind:$n: exit $?" >&2; fail=1; }
        cmp -s "$tmp/out" "$tmp/want" || { echo "FAIL $kind:$n: the statistics differ" >&2; fail=1; }
        n=$((n + 1))
    done
done
exit $fail
