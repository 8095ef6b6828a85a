#!/bin/sh
# A `vmsim trace --checkpoint` run killed with SIGKILL between two checkpoints, resumed from
# the last checkpoint it wrote, ends with the statistics of a run never stopped (text and
# JSON). SIGINT or SIGTERM instead: the run stops (exit 130/143), says so, and writes a
# last checkpoint, from which --resume goes on to the same end. The third trace comes
# from a pipe that pauses after its first 50000 records (the reader takes 256 KiB at
# once), so the run is surely inside when the signal comes.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
for i in 1 2 3; do
    awk -v seed=$i -v len=$((i * 30000)) 'BEGIN { x = seed * 7919
        for (n = 0; n < len; n++) {
            x = (x * 1103515245 + 12345) % 2147483648
            p = x % (97 * seed + 40); if (n % 3 == 0) p = int(n / 50) % (60 + seed * 30)
            k = x % 7 == 0 ? 1 : (x % 5 == 0 ? 2 : 0)
            printf "%d %x\n", k, 4096 * (16 + p) + (x % 4096) - (x % 8) } }' > t$i.din
done
head -n 50000 t3.din > t3.head
tail -n +50001 t3.din > t3.tail
for fmt in "" --json; do
    run() { "$VMSIM" trace --no-progress --memory 512K --swap 2M --policy lru2 $fmt "$@" t1.din t2.din -; }
    run < t3.din > full.txt 2> full.err || [ $? = 1 ] || { echo "FAIL: the plain run failed" >&2; fail=1; }
    for sig in KILL INT TERM; do
        rm -f c.ckpt
        # the pipe: 20000 records, a pause, the rest (when the run is still there)
        { cat t3.head; sleep 2; cat t3.tail 2>/dev/null; } | run --checkpoint c.ckpt --checkpoint-every 5K > part.txt 2> part.err &
        pid=$!
        i=0
        while [ ! -s c.ckpt ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        sleep 0.5
        # signal vmsim itself: the one with this checkpoint running in this directory
        vpid=
        for p in $(ps -eo pid=,args= | awk '/--checkpoint c.ckpt/ && !/awk/ { print $1 }'); do
            [ "$(readlink /proc/$p/cwd 2>/dev/null)" = "$(pwd -P)" ] && vpid=$p
        done
        [ -n "$vpid" ] || { echo "FAIL: $sig: no vmsim to signal" >&2; fail=1; wait; continue; }
        kill -$sig "$vpid"
        wait $pid; rc=$?
        case $sig in
        KILL) want=137 ;;
        INT) want=130 ;;
        TERM) want=143 ;;
        esac
        [ $rc = $want ] || { echo "FAIL: $sig $fmt: exit status $rc, expected $want" >&2; cat part.err >&2; fail=1; }
        if [ $sig != KILL ]; then
            grep -q "c.ckpt: checkpoint written; continue with --resume c.ckpt" part.err ||
                { echo "FAIL: $sig: stderr does not name the checkpoint:" >&2; cat part.err >&2; fail=1; }
        fi
        ls | grep -q 'tmp' && { echo "FAIL: $sig: a temporary file is left:" $(ls) >&2; [ $sig = KILL ] || fail=1; rm -f *tmp*; }
        run --resume c.ckpt < t3.din > res.txt 2> res.err
        cmp -s res.txt full.txt || { echo "FAIL: $sig $fmt: resumed differs from the uninterrupted run:" >&2; diff full.txt res.txt | head >&2; cat res.err >&2; fail=1; }
        cmp -s res.err full.err || { echo "FAIL: $sig $fmt: stderr differs:" >&2; diff full.err res.err >&2; fail=1; }
    done
done
exit $fail
