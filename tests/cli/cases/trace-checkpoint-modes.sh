#!/bin/sh
# Checkpoint and resume give the uninterrupted run's output byte for byte in every output
# form and run kind: text, --json, --csv --params, the --interval time series (the rows
# before the checkpoint are written again by the resumed run, the one held back included),
# -o OUT, Linux's zero-page model, compressed traces (gzip, xz, zstd when built with it)
# and Valgrind lackey ones, one process (whose slice never ends), processes the
# out-of-memory killer ends (before and after the checkpoint), several checkpoint
# intervals.
data=$(pwd)/tests/data/trace
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
for i in 1 2 3; do
    awk -v seed=$i 'BEGIN { x = seed * 7919
        for (n = 0; n < 20000; n++) {
            x = (x * 1103515245 + 12345) % 2147483648
            p = x % (97 * seed + 40); if (n % 3 == 0) p = int(n / 50) % (60 + seed * 30)
            k = x % 7 == 0 ? 1 : (x % 5 == 0 ? 2 : 0)
            printf "%d %x\n", k, 4096 * (16 + p) + (x % 4096) - (x % 8) } }' > t$i.din
done
gzip -c t2.din > t2.din.gz
xz -c t3.din > t3.din.xz 2>/dev/null || cp t3.din t3.din.xz
# same LABEL ARGS...: the run with ARGS, then checkpointed every 3K and 11K and resumed
# from the last checkpoint, print the same (stdout and stderr) and exit alike
same() {
    label=$1; shift
    "$VMSIM" trace --no-progress "$@" > full.txt 2> full.err; frc=$?
    [ $frc -le 1 ] || { echo "FAIL: $label: the plain run failed ($frc)" >&2; cat full.err >&2; fail=1; }
    for n in 3K 11K; do
        rm -f c.ckpt
        "$VMSIM" trace --no-progress --checkpoint c.ckpt --checkpoint-every $n "$@" > ck.txt 2>/dev/null
        [ -s c.ckpt ] || { echo "FAIL: $label: no checkpoint at $n" >&2; fail=1; continue; }
        "$VMSIM" trace --no-progress --resume c.ckpt "$@" > res.txt 2> res.err; rc=$?
        [ $rc = $frc ] || { echo "FAIL: $label ($n): exit status $rc, not $frc" >&2; cat res.err >&2; fail=1; }
        cmp -s res.txt full.txt || { echo "FAIL: $label ($n): stdout differs:" >&2; diff full.txt res.txt | head -6 >&2; fail=1; }
        cmp -s res.err full.err || { echo "FAIL: $label ($n): stderr differs:" >&2; diff full.err res.err | head -6 >&2; fail=1; }
    done
}
M="--memory 384K --swap 2M"
same text $M t1.din t2.din t3.din
same json $M --json t1.din t2.din.gz t3.din.xz
same params $M --csv --params --policy arc t1.din t2.din t3.din
same interval $M --csv --interval 2500 t1.din t2.din t3.din
[ "$(grep -c '^[0-9]' full.txt)" -ge 10 ] || { echo "FAIL: interval: $(grep -c '^[0-9]' full.txt) rows" >&2; fail=1; }
same interval-odd $M --interval 7001 --policy lirs t1.din t2.din
same zero-page $M --zero-page --policy clock-pro t1.din t2.din t3.din
same one-process $M --policy wsclock t3.din
same one-process-gz --memory 128K --swap 1M t2.din.gz
same lackey $M "$data/mrc.lackey" t1.din "$data/small.lackey.xz"
same oom-killed --memory 800K t1.din t2.din t3.din
grep -q 'killed by the out-of-memory killer' full.err || { echo "FAIL: oom-killed: nobody killed" >&2; fail=1; }
same quantum $M --quantum 1234 --policy random --seed 9 t1.din t2.din t3.din
same tlb-pcid $M --set pcid=on --set psc=off t1.din t2.din
# -o OUT
rm -f c.ckpt
"$VMSIM" trace --no-progress $M -o full.out t1.din t2.din 2>/dev/null
"$VMSIM" trace --no-progress $M -o ck.out --checkpoint c.ckpt --checkpoint-every 4K t1.din t2.din 2>/dev/null
"$VMSIM" trace --no-progress $M -o res.out --resume c.ckpt t1.din t2.din 2>/dev/null
cmp -s full.out res.out && cmp -s full.out ck.out || { echo "FAIL: -o OUT differs" >&2; fail=1; }
exit $fail
