#!/bin/sh
# Whole small inputs — a scenario (`vmsim run`, `run --check`), a state file (`vmsim
# translate --state`), a reference string (`vmsim pages --file`) — are read through the I/O
# hook (src/base/slurp.c, io_read), so VMSIM_IO_FAULT reaches them: EIO and ENOSPC give
# exit 2 and `vmsim CMD: FILE: read: STRERROR`, nothing on stdout; EINTR and a short read
# change nothing (the output of the clean run).
fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
printf '1 2 3 1 2 4 1 2 5\n' > "$tmp/refs.txt"
# check CMD FILE SUBSTRING ARGS...: the command under each fault at the first read of FILE
check() {
    cmd=$1 file=$2 sub=$3; shift 3
    "$VMSIM" "$cmd" "$@" > "$tmp/want" 2> "$tmp/want.err"; rc=$?
    [ $rc -le 1 ] || { echo "FAIL $cmd: the clean run: exit $rc" >&2; cat "$tmp/want.err" >&2; fail=1; }
    for kind in eio enospc eintr short; do
        VMSIM_IO_FAULT=$kind:1:$sub "$VMSIM" "$cmd" "$@" > "$tmp/out" 2> "$tmp/err"; got=$?
        case $kind in
        eio|enospc)
            [ $kind = eio ] && msg="Input/output error" || msg="No space left on device"
            [ $got = 2 ] || { echo "FAIL $cmd $kind: exit status $got, expected 2" >&2; fail=1; }
            [ "$(cat "$tmp/err")" = "vmsim $cmd: $file: read: $msg" ] ||
                { echo "FAIL $cmd $kind: stderr:" >&2; cat "$tmp/err" >&2; fail=1; }
            [ ! -s "$tmp/out" ] || { echo "FAIL $cmd $kind: output" >&2; fail=1; } ;;
        *)
            [ $got = $rc ] || { echo "FAIL $cmd $kind: exit status $got, expected $rc" >&2; fail=1; }
            cmp -s "$tmp/out" "$tmp/want" || { echo "FAIL $cmd $kind: output differs" >&2; fail=1; } ;;
        esac
    done
}
check run examples/fork-cow.vms fork-cow.vms examples/fork-cow.vms
check run examples/fork-cow.vms fork-cow.vms --check examples/fork-cow.vms
check translate examples/csapp-small.state csapp-small.state --state examples/csapp-small.state 0x03d4
check pages "$tmp/refs.txt" refs.txt --file "$tmp/refs.txt" --frames 3 --policy fifo
exit $fail
