# Stress at the edges of memory and swap. The smallest memory is 4 frames (an access may
# need several pages at once): 3 are refused (exit 2). With 4 frames and 8 slots of swap,
# 11 pages cycle through swap with one slot to spare (every check of 11 pages in 4 frames
# swaps all 11 in), a split 8-byte access across two swapped pages works, the 12th page
# fills swap exactly, and nothing is killed; then a swap-in can make no room (no free slot
# for an eviction) and the out-of-memory killer ends the process, as Linux's does when swap
# is full. Every command runs with the audit.
t=${TMPDIR:-/tmp}/stress-edges.$$
mkdir "$t" || exit 1
trap 'rm -rf "$t"' EXIT
fail=0
printf 'memory 3pages\nspawn P\n' > "$t/three.vms"
"$VMSIM" run "$t/three.vms" > /dev/null 2> "$t/three.err"
rc=$?
[ $rc = 2 ] || { echo "3 frames: exit $rc, expected 2"; fail=1; }
grep -q 'at least 4 pages' "$t/three.err" || { echo "3 frames:"; cat "$t/three.err"; fail=1; }
cat > "$t/edge.vms" <<'VMS'
memory 4pages
swap 8pages
spawn P
P mmap A 11pages rw- private anon
P fill A 11pages 3
P check A 11pages 3
P store A+4092 8 0x1122334455667788
P expect A+4092 8 0x1122334455667788
P mmap B 1pages rw- private anon
P fill B 1pages 4
stats
P touch A 11pages
VMS
"$VMSIM" run --audit "$t/edge.vms" > "$t/edge.out" 2> "$t/edge.err"
rc=$?
[ $rc = 0 ] || { echo "edge: exit $rc"; cat "$t/edge.err"; fail=1; }
sed -n '/statistics/q;p' "$t/edge.out" > "$t/before"
for l in 'P fill A 45056 ok' 'P check A 45056 ok' 'P fill B 4096 ok' 'P expect A+4092 8 = 0x1122334455667788'; do
    grep -qx "$l" "$t/before" || { echo "edge: no '$l' before the statistics"; fail=1; }
done
grep -q killed "$t/before" && { echo "edge: killed before swap was full"; fail=1; }
grep -q '^    split  *[1-9]' "$t/edge.out" || { echo "edge: no split access"; fail=1; }
grep -q '^    swap.outs  *[1-9]' "$t/edge.out" || { echo "edge: nothing swapped out"; fail=1; }
tail -n 1 "$t/edge.out" | grep -qx 'P killed: out of memory' || { echo "edge: last line:"; tail -n 2 "$t/edge.out"; fail=1; }
exit $fail
