#!/bin/sh
# I/O faults on the swap file (VMSIM_IO_FAULT, docs/testing.md "I/O fault injection") under
# a scenario that swaps (8 frames, 24 pages filled and checked twice, another process
# alongside), at each swap-file call N = 1, 2, ...: EINTR and short transfers change nothing
# in the output; EIO and ENOSPC either fail a swap-out (swap.out_errors 1, every check
# still passes: no byte lost) or fail a swap-in (that process alone is killed by SIGBUS,
# said so; the other's check passes).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
cat >"$tmp/s.vms" <<'VMS'
memory 8pages
swap 64pages
spawn P
spawn Q
Q mmap B 1pages rw- private anon
Q fill B 1pages 9
P mmap A 24pages rw- private anon
P fill A 24pages 61
P check A 24pages 61
P check A 24pages 61
Q check B 1pages 9
stats
VMS
"$VMSIM" run "$tmp/s.vms" >"$tmp/want" || { echo "FAIL: the clean run fails" >&2; exit 1; }
grep -q "swap.outs  *[1-9]" "$tmp/want" || { echo "FAIL: the scenario does not swap" >&2; exit 1; }
for kind in eio enospc eintr short; do
    n=1 outs=0 ins=0
    while [ $n -le 1000 ]; do
        VMSIM_IO_FAULT=$kind:$n:swap "$VMSIM" run "$tmp/s.vms" >"$tmp/out" 2>"$tmp/err"; rc=$?
        [ $rc -eq 0 ] || { echo "FAIL $kind:$n: exit $rc: $(cat "$tmp/err")" >&2; fail=1; }
        cmp -s "$tmp/out" "$tmp/want" && { [ $kind = eio ] || [ $kind = enospc ]; } && break
        case $kind in
        eintr|short)
            cmp -s "$tmp/out" "$tmp/want" || { echo "FAIL $kind:$n: the output differs" >&2; fail=1; } ;;
        *)
            if grep -q "swap.out_errors  *1$" "$tmp/out"; then
                grep -q "^Q check B 4096 ok" "$tmp/out" || { echo "FAIL $kind:$n: Q's check" >&2; fail=1; }
                outs=$((outs + 1))
                [ "$(grep -c '^P check A 98304 ok$' "$tmp/out")" = 2 ] ||
                    { echo "FAIL $kind:$n: bytes lost after a failed swap-out" >&2; fail=1; }
            elif grep -q "swap.in_errors  *1$" "$tmp/out"; then
                ins=$((ins + 1))
                # the process whose page it was is killed; the other's checks pass
                if grep -q "^P killed: SIGBUS (a swap-in failed: an I/O error of the swap file)$" "$tmp/out"; then
                    grep -q "^Q check B 4096 ok" "$tmp/out" || { echo "FAIL $kind:$n: Q's check" >&2; fail=1; }
                elif grep -q "^Q killed: SIGBUS (a swap-in failed: an I/O error of the swap file)$" "$tmp/out"; then
                    [ "$(grep -c '^P check A 98304 ok$' "$tmp/out")" = 2 ] || { echo "FAIL $kind:$n: P's checks" >&2; fail=1; }
                else
                    echo "FAIL $kind:$n: no SIGBUS kill line" >&2; fail=1
                fi
                [ "$(grep -c ' killed: ' "$tmp/out")" = 1 ] || { echo "FAIL $kind:$n: more than one killed" >&2; fail=1; }
                grep -q "faults.sigbus  *1$" "$tmp/out" ||
                    { echo "FAIL $kind:$n: faults.sigbus" >&2; fail=1; }
            else
                echo "FAIL $kind:$n: neither error counted" >&2; fail=1
            fi ;;
        esac
        n=$((n + 1))
        [ $kind = eintr ] || [ $kind = short ] && [ $n -gt $calls ] && break
    done
    case $kind in
    eio) calls=$((n - 1))
         [ $outs -ge 10 ] && [ $ins -ge 10 ] || { echo "FAIL eio: $outs swap-out, $ins swap-in failures" >&2; fail=1; } ;;
    enospc) [ $((n - 1)) -eq $calls ] || { echo "FAIL enospc: $((n - 1)) calls, eio $calls" >&2; fail=1; } ;;
    esac
done
exit $fail
