#!/bin/sh
# I/O faults at the checkpoint's writes (the one I/O hook, VMSIM_IO_FAULT filtered on its
# name): EINTR and a short write are survived unseen (the checkpoint resumes to the
# uninterrupted run's end); EIO or ENOSPC at a checkpoint's write or fsync stops the run
# with exit status 2 and "CKPT: ...", leaves the checkpoint written before it whole (it
# resumes to the same end) and no temporary file.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
for i in 1 2; do
    awk -v seed=$i 'BEGIN { x = seed; for (n = 0; n < 12000; n++) {
        x = (x * 1103515245 + 12345) % 2147483648
        printf "%d %x\n", x % 3, 65536 + 64 * (x % 3000) } }' > t$i.din
done
run() { "$VMSIM" trace --no-progress --memory 64K --swap 1M "$@" t1.din t2.din; }
run > full.txt 2> full.err
# a checkpoint is two calls, its write and its fsync: call 3 is the second one's write,
# call 4 its fsync
for kind in eintr short; do
    n=3
    rm -f c.ckpt
    VMSIM_IO_FAULT=$kind:$n:c.ckpt run --checkpoint c.ckpt --checkpoint-every 4K > out 2> err
    cmp -s out full.txt || { echo "FAIL: $kind: the run's results differ" >&2; cat err >&2; fail=1; }
    run --resume c.ckpt > res.txt 2>/dev/null
    cmp -s res.txt full.txt || { echo "FAIL: $kind: resumed differs" >&2; fail=1; }
done
for kind in eio:3 enospc:3 eio:4; do
    n=${kind#*:} kind=${kind%:*}
    rm -f c.ckpt
    VMSIM_IO_FAULT=$kind:$n:c.ckpt run --checkpoint c.ckpt --checkpoint-every 4K > out 2> err; rc=$?
    [ $rc = 2 ] || { echo "FAIL: $kind: exit status $rc" >&2; fail=1; }
    grep -q '^vmsim trace: c.ckpt: ' err || { echo "FAIL: $kind: stderr:" >&2; cat err >&2; fail=1; }
    grep -q 'partial' out || { echo "FAIL: $kind: the statistics are not marked partial" >&2; fail=1; }
    [ -z "$(ls -A | grep -v -e '^t[12].din$' -e '^c.ckpt$' -e '^out$' -e '^err$' -e '^full' -e '^res.txt$')" ] ||
        { echo "FAIL: $kind: files left:" $(ls -A) >&2; fail=1; }
    run --resume c.ckpt > res.txt 2>/dev/null
    cmp -s res.txt full.txt || { echo "FAIL: $kind: the first checkpoint does not resume to the end" >&2; fail=1; }
done
exit $fail
