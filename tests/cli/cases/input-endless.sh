#!/bin/sh
# An endless input fails at a bound with exit status 2 and a message naming it, instead of
# growing the process without end: a scenario, state file or reference string (pages
# --file, mrc --file) must be a regular file (so /dev/zero is refused at once) and standard
# input stops at the bound (64 MiB for a scenario, 256 MiB for a reference string); merge's
# CSV files, which may be pipes, stop at 256 MiB. timeout 60: a regression fails instead of running on.
[ -c /dev/zero ] || { echo "/dev/zero is not a character device here: not checked" >&2; exit 77; }
fail=0
# expect MESSAGE COMMAND...: exit status 2 and MESSAGE in the output
expect() {
    want=$1; shift
    out=$(timeout 60 "$@" 2>&1); rc=$?
    [ $rc -eq 2 ] || { echo "FAIL: $*: exit $rc" >&2; fail=1; }
    case $out in *"$want"*) ;; *) echo "FAIL: $*: $out" >&2; fail=1 ;; esac
}
expect "/dev/zero: not a regular file (a device; expected a scenario)" "$VMSIM" run --check /dev/zero
expect "/dev/zero: not a regular file (a device; expected a state file)" "$VMSIM" translate --state /dev/zero 0x0
expect "-: scenario larger than 64 MiB" sh -c 'cat /dev/zero | "$VMSIM" run --check -'
expect "/dev/zero: not a regular file (a device; expected a reference string)" "$VMSIM" pages --frames 3 --file /dev/zero
expect "/dev/zero: not a regular file (a device; expected a reference string)" "$VMSIM" mrc --policy lru --file /dev/zero
expect "-: reference string larger than 256 MiB" sh -c 'cat /dev/zero | "$VMSIM" pages --frames 3 --file -'
expect "-: reference string larger than 256 MiB" sh -c 'cat /dev/zero | "$VMSIM" mrc --policy lru --file -'
expect "/dev/zero: CSV file larger than 256 MiB" "$VMSIM" merge /dev/zero
exit $fail
