#!/bin/sh
# I/O faults while a result file is written (VMSIM_IO_FAULT, docs/testing.md "I/O fault
# injection"), at every write and the fsync, N = 1, 2, ...: EIO and ENOSPC exit 2 naming
# the output and leave the old file as it was, with no temporary file beside it; EINTR and
# short writes are survived (the whole result, exit 0). For the statistics (-o) and a
# converted trace (--convert).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
in=tests/data/trace/pages.lackey
# check NAME ARGS...: the command writes $tmp/d/out
check() {
    name=$1; shift
    mkdir -p "$tmp/d"
    "$VMSIM" "$@" >/dev/null 2>&1 || { echo "FAIL $name: the clean run fails" >&2; fail=1; return; }
    cp "$tmp/d/out" "$tmp/want"
    calls=200
    for kind in eio enospc eintr short; do
        n=1
        last=$calls; [ $kind = enospc ] && last=$((calls + 1))
        while [ $n -le $last ]; do
            printf 'old\n' >"$tmp/d/out"
            VMSIM_IO_FAULT=$kind:$n:d/out "$VMSIM" "$@" >/dev/null 2>"$tmp/err"; rc=$?
            [ "$(ls -A "$tmp/d")" = out ] ||
                { echo "FAIL $name $kind:$n: left $(ls -A "$tmp/d")" >&2; fail=1; }
            if [ $rc -eq 0 ]; then
                cmp -s "$tmp/d/out" "$tmp/want" ||
                    { echo "FAIL $name $kind:$n: the result differs" >&2; fail=1; }
                case $kind in e[in][io]*) break ;; esac # eio, enospc: past the last call
            else
                case $kind in eintr|short) echo "FAIL $name $kind:$n: exit $rc" >&2; fail=1; break ;; esac
                [ $rc -eq 2 ] || { echo "FAIL $name $kind:$n: exit $rc" >&2; fail=1; }
                grep -q "d/out: write" "$tmp/err" ||
                    { echo "FAIL $name $kind:$n: $(cat "$tmp/err")" >&2; fail=1; }
                [ "$(cat "$tmp/d/out")" = old ] ||
                    { echo "FAIL $name $kind:$n: the old result is gone" >&2; fail=1; }
            fi
            n=$((n + 1))
        done
        # eio/enospc: failed at 1 .. n-1 (each call), succeeded at n; eintr/short: each call
        case $kind in
        eio) [ $n -ge 3 ] && [ $n -lt $calls ] || { echo "FAIL $name $kind: n=$n" >&2; fail=1; }
             calls=$((n - 1)) ;;
        enospc) [ $n -eq $((calls + 1)) ] || { echo "FAIL $name $kind: n=$n" >&2; fail=1; } ;;
        esac
    done
}
check stats trace --memory 32K --swap 1M -o "$tmp/d/out" $in
check convert trace --convert vmsim -o "$tmp/d/out" $in
exit $fail
