#!/bin/sh
# `vmsim trace --checkpoint F --checkpoint-every N`, then `--resume F`, gives byte for byte
# the statistics of a run never stopped, for every policy the kernel takes (the list is
# `vmsim pages --help`'s, less opt, which needs the future), three processes, memory much
# smaller than their pages, under swapping. The checkpoint is the last one the run wrote
# (every N references): N = 30K resumes early, N = 5K late in the run. A checkpointing run
# prints what a plain run prints, and the state itself is compared: a run resumed early
# that checkpoints as the late one did writes the same last checkpoint, byte for byte.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
# Three din traces (seeded, deterministic): a moving working set and random pages,
# loads, stores and fetches, some accesses crossing a block.
for i in 1 2 3; do
    awk -v seed=$i 'BEGIN { x = seed * 7919
        for (n = 0; n < 25000; n++) {
            x = (x * 1103515245 + 12345) % 2147483648
            p = x % (97 * seed + 40); if (n % 3 == 0) p = int(n / 50) % (60 + seed * 30)
            k = x % 7 == 0 ? 1 : (x % 5 == 0 ? 2 : 0)
            printf "%d %x\n", k, 4096 * (16 + p) + (x % 4096) - (x % 8) } }' > t$i.din
done
policies=$("$VMSIM" pages --help | sed -n '/^policies/,$p' | awk '/^  [a-z0-9-]+ /{print $1}' | grep -v '^opt$')
[ "$(echo $policies | wc -w)" -ge 15 ] || { echo "FAIL: policies: $policies" >&2; exit 1; }
run() { "$VMSIM" trace --no-progress --memory 384K --swap 2M "$@" t1.din t2.din t3.din; }
for pol in $policies; do
    run --policy $pol > full.txt 2> full.err
    grep -Eq '^swap.outs +[1-9]' full.txt || { echo "FAIL: $pol: no swapping" >&2; fail=1; }
    rm -f a.ckpt b.ckpt c.ckpt
    # a: checkpoints every 5K references, the last late in the run; c: every 30K
    run --policy $pol --checkpoint a.ckpt --checkpoint-every 5K > a.txt 2> a.err
    run --policy $pol --checkpoint c.ckpt --checkpoint-every 30K > c.txt 2> c.err
    for f in a c; do
        cmp -s $f.txt full.txt || { echo "FAIL: $pol: --checkpoint changed the results" >&2; fail=1; }
        [ -s $f.ckpt ] || { echo "FAIL: $pol: no checkpoint $f.ckpt" >&2; fail=1; }
    done
    # resumed from either, the run ends as the uninterrupted one did
    for f in a c; do
        run --policy $pol --resume $f.ckpt > res.txt 2> res.err
        cmp -s res.txt full.txt || { echo "FAIL: $pol: resumed from $f.ckpt differs:" >&2; diff full.txt res.txt | head -10 >&2; head -3 res.err >&2; fail=1; }
        cmp -s res.err full.err || { echo "FAIL: $pol: resumed from $f.ckpt: stderr differs" >&2; fail=1; }
    done
    # and the whole state on the way is the same: resumed from c's (30K references in) and
    # checkpointing every 5K, its last checkpoint is a's, byte for byte
    run --policy $pol --resume c.ckpt --checkpoint b.ckpt --checkpoint-every 5K > b.txt 2> b.err
    cmp -s b.txt full.txt || { echo "FAIL: $pol: resumed and checkpointing differs" >&2; fail=1; }
    cmp -s a.ckpt b.ckpt || { echo "FAIL: $pol: the state after resuming is not the uninterrupted run's" >&2; fail=1; }
done
exit $fail
