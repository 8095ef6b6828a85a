#!/bin/sh
# --resume refuses (exit 2, one message naming what differs, no statistics) a checkpoint
# made with another option, machine key, trace list or input (another file's bytes where
# the checkpoint's prefix was read), of another version of vmsim, damaged or truncated,
# or a file that is no checkpoint; --checkpoint-every needs --checkpoint. The same
# checkpoint with the same arguments is taken.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
for i in 1 2; do
    awk -v seed=$i 'BEGIN { x = seed; for (n = 0; n < 10000; n++) {
        x = (x * 1103515245 + 12345) % 2147483648
        printf "%d %x\n", x % 3, 65536 + 64 * (x % 3000) } }' > t$i.din
done
O="--no-progress --memory 64K --swap 1M"
"$VMSIM" trace $O --checkpoint c.ckpt --checkpoint-every 3K t1.din t2.din > full.txt 2>/dev/null
[ -s c.ckpt ] || { echo "FAIL: no checkpoint" >&2; exit 1; }
# refused ARGS... -- MESSAGE: --resume with ARGS fails with exactly MESSAGE
refused() {
    args=
    while [ "$1" != -- ]; do args="$args $1"; shift; done
    shift
    "$VMSIM" trace $O $args > out 2> err; rc=$?
    [ $rc = 2 ] || { echo "FAIL: $args: exit status $rc" >&2; fail=1; }
    [ ! -s out ] || { echo "FAIL: $args: printed statistics" >&2; fail=1; }
    [ "$(cat err)" = "vmsim trace: $1" ] || { echo "FAIL: $args: stderr:" >&2; cat err >&2; echo "expected: vmsim trace: $1" >&2; fail=1; }
}
refused --memory 128K --resume c.ckpt t1.din t2.din -- "c.ckpt: the checkpoint was made with --memory 65536, not 131072"
refused --swap 2M --resume c.ckpt t1.din t2.din -- "c.ckpt: the checkpoint was made with --swap 1048576, not 2097152"
refused --policy arc --resume c.ckpt t1.din t2.din -- "c.ckpt: the checkpoint was made with --policy clock, not arc"
refused --seed 7 --resume c.ckpt t1.din t2.din -- "c.ckpt: the checkpoint was made with --seed 1, not 7"
refused --quantum 500 --resume c.ckpt t1.din t2.din -- "c.ckpt: the checkpoint was made with --quantum 10000, not 500"
refused --set pcid=on --resume c.ckpt t1.din t2.din -- "c.ckpt: the checkpoint was made with machine key pcid=off, not on"
refused --machine x86-64-5level --resume c.ckpt t1.din t2.din -- "c.ckpt: the checkpoint was made with machine key va_bits=48, not 57"
refused --zero-page --resume c.ckpt t1.din t2.din -- "c.ckpt: the checkpoint was made without --zero-page (this run has it)"
refused --skip-bad --resume c.ckpt t1.din t2.din -- "c.ckpt: the checkpoint was made without --skip-bad (this run has it)"
refused --csv --interval 1000 --resume c.ckpt t1.din t2.din -- "c.ckpt: the checkpoint was made without --interval (this run has it)"
refused --resume c.ckpt t2.din t1.din -- "c.ckpt: trace 1 of the checkpoint is t1.din, not t2.din"
refused --resume c.ckpt t1.din -- "c.ckpt: the checkpoint was made with 2 traces, not 1"
# the same name, other bytes in the part read before the checkpoint
cp t2.din t2.orig
sed '1s/^./2/' t2.orig > t2.din
"$VMSIM" trace $O --resume c.ckpt t1.din t2.din > out 2> err; rc=$?
[ $rc = 2 ] && grep -q '^vmsim trace: c.ckpt: t2.din is not the input the checkpoint was made from (its first [0-9]* bytes had hash [0-9a-f]*; now [0-9]* bytes, hash [0-9a-f]*)$' err ||
    { echo "FAIL: changed input: $rc" >&2; cat err >&2; fail=1; }
head -n 100 t2.orig > t2.din # shorter
"$VMSIM" trace $O --resume c.ckpt t1.din t2.din > out 2> err; rc=$?
[ $rc = 2 ] && grep -q '^vmsim trace: c.ckpt: t2.din is ' err || { echo "FAIL: shorter input: $rc" >&2; cat err >&2; fail=1; }
mv t2.orig t2.din
# another version, damage, truncation, not a checkpoint
# (the header: the magic, the format and the version's length as 32-bit numbers, the
# version, then the payload's length and hash)
ver=$("$VMSIM" --version | awk '{ print $2 }')
other=$(echo "$ver" | tr 0-8 1-9)
[ "$other" != "$ver" ] || other=$(echo "$ver" | tr 9 8)
LC_ALL=C sed "s/^\(VMSIMCKP........\)$ver/\1$other/" c.ckpt > other.ckpt
cmp -s other.ckpt c.ckpt && { echo "FAIL: the version was not changed" >&2; fail=1; }
refused --resume other.ckpt t1.din t2.din -- "other.ckpt: written by vmsim $other (checkpoint format 1); this is vmsim $ver"
size=$(wc -c < c.ckpt)
{ head -c $((size / 2)) c.ckpt; printf 'X'; tail -c +$((size / 2 + 2)) c.ckpt; } > damaged.ckpt
cmp -s damaged.ckpt c.ckpt && { echo "FAIL: not damaged" >&2; fail=1; }
refused --resume damaged.ckpt t1.din t2.din -- "damaged.ckpt: damaged checkpoint (its hash does not match)"
head -c 1000 c.ckpt > short.ckpt
hdr=$((8 + 4 + 4 + ${#ver} + 16))
refused --resume short.ckpt t1.din t2.din -- "short.ckpt: truncated or damaged checkpoint ($((size - hdr)) bytes of payload, $((1000 - hdr)) there)"
refused --resume t1.din t1.din t2.din -- "t1.din: not a vmsim checkpoint"
: > empty.ckpt
refused --resume empty.ckpt t1.din t2.din -- "empty.ckpt: not a vmsim checkpoint"
refused --resume . t1.din t2.din -- ".: not a regular file (a directory; expected a checkpoint)"
refused --checkpoint-every 10 t1.din -- "--checkpoint-every: give --checkpoint FILE too"
refused --checkpoint c.ckpt --checkpoint-every 0 t1.din -- "--checkpoint-every: expected a count of references such as 500000 or 10M, found '0'"
refused --checkpoint c.ckpt --checkpoint-every 5X t1.din -- "--checkpoint-every: expected a count of references such as 500000 or 10M, found '5X'"
refused --checkpoint t1.din --checkpoint-every 1K t1.din t2.din -- "t1.din: is also an input (t1.din)"
ln t2.din link.din
refused --checkpoint link.din t1.din t2.din -- "link.din: is also an input (t2.din)"
# the right arguments are taken
"$VMSIM" trace $O --resume c.ckpt t1.din t2.din > res.txt 2>/dev/null
cmp -s res.txt full.txt || { echo "FAIL: resuming with the same arguments" >&2; fail=1; }
exit $fail
