#!/bin/sh
# I/O faults on a scenario's mapped host file (VMSIM_IO_FAULT=eio:N:a.bin; call 1 is the
# page's read, call 2 its write-back), from the CLI:
# - the read fails: the access gets SIGBUS (as Linux gives for a file page it cannot read),
#   and the next access reads the page;
# - msync's write-back fails: the run stops at that line with msync (EIO), exit 2;
# - the write-back at the end of the run (no msync, the process still mapping it) fails: a
#   warning says the page was not written back, the file lacks the stores (the page is
#   given up, as at a shutdown: the teardown after it does not write it), exit 1;
# - the write-back when the process exits fails: counted, and said at the end of the run,
#   where the page, still dirty, is written (the file has the stores), exit 0.
# File names in messages are the scenario's, not the working directory's.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
head='file a.bin 1pages zero
spawn P
P mmap A 1pages rw- shared file a.bin
P fill A 4K 7'
# run NAME N WANT_RC WANT_ERR TAIL: the scenario head + TAIL under eio:N:a.bin, in the
# working directory $tmp/wd-NAME
run() {
    name=$1 n=$2 want_rc=$3 want_err=$4; shift 4
    printf '%s\n%s\n' "$head" "$*" > "$tmp/$name.vms"
    mkdir "$tmp/wd-$name"
    (cd "$tmp" && VMSIM_IO_FAULT=eio:$n:a.bin "$VMSIM" run --workdir "wd-$name" "$name.vms") \
        > "$tmp/$name.out" 2> "$tmp/$name.err"; rc=$?
    [ $rc = "$want_rc" ] || { echo "FAIL $name: exit status $rc, expected $want_rc" >&2; cat "$tmp/$name.err" >&2; fail=1; }
    [ "$(cat "$tmp/$name.err")" = "$want_err" ] || { echo "FAIL $name: stderr:" >&2; cat "$tmp/$name.err" >&2; fail=1; }
}
# a.bin holds the stores (7's bytes, not zeros): yes or no
stored() {
    if cmp -s -n 4096 "$tmp/wd-$1/a.bin" /dev/zero; then got=no; else got=yes; fi
    [ $got = "$2" ] || { echo "FAIL $1: a.bin holds the stores: $got, expected $2" >&2; fail=1; }
}
# the clean run: no warning, the file written at the end
run clean 1000 0 "" "P check A 4K 7"
stored clean yes
grep -q '^P check A 4096 ok$' "$tmp/clean.out" || { echo "FAIL clean: check" >&2; fail=1; }

run sigbus 1 0 "" "P expect A 8 0"
[ "$(cat "$tmp/sigbus.out")" = "P fill A 4096 = SIGBUS at +0x0
P expect A 8 = 0x0" ] || { echo "FAIL sigbus: output:" >&2; cat "$tmp/sigbus.out" >&2; fail=1; }

run msync 2 2 "vmsim run: msync.vms:5: msync (EIO): a.bin: write failed: Input/output error" "P msync A 1pages"

run atend 2 1 "vmsim run: warning: at the end of the run: 1 dirty page not written back (the first at offset 0x0 of a.bin): a.bin: write failed: Input/output error (their last stores are lost)" "P check A 4K 7"
stored atend no
grep -q '^P check A 4096 ok$' "$tmp/atend.out" || { echo "FAIL atend: check" >&2; fail=1; }

run atexit 2 0 "vmsim run: warning: at the end of the run: a.bin: a write-back failed (Input/output error) and no msync reported it; the page stayed dirty and has been written since" "exit P"
stored atexit yes
exit $fail
