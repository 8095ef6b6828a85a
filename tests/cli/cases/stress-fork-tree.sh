# Stress: a fork tree of 3000 processes (each process forks two children; every child
# writes its own page of a 64 KiB private area copy-on-write, and checks it before it
# exits, the leaves first), then the root checks its untouched copy. Each child's first
# write is one copy-on-write fault (2999), the root's fill 16 zero-fill faults, as on Linux.
# The same tree of 200 processes runs with the audit after every command.
t=${TMPDIR:-/tmp}/stress-fork.$$
mkdir "$t" || exit 1
trap 'rm -rf "$t"' EXIT
tree() { # tree N: the scenario of an N-process tree
    awk -v n="$1" 'BEGIN {
        print "spawn P0"; print "P0 mmap A 64KiB rw- private anon"; print "P0 fill A 64KiB 1"
        for (i = 0; 2 * i + 1 < n; i++)
            for (c = 2 * i + 1; c <= 2 * i + 2 && c < n; c++) {
                print "fork P" i " P" c; print "P" c " fill A+" (c % 16) * 4096 " 4KiB " c + 2
            }
        for (c = n - 1; c > 0; c--) {
            print "P" c " check A+" (c % 16) * 4096 " 4KiB " c + 2; print "exit P" c
        }
        print "P0 check A 64KiB 1"; print "stats" }'
}
fail=0
tree 3000 > "$t/big.vms"
"$VMSIM" run "$t/big.vms" > "$t/big.out" 2> "$t/big.err" || { echo "3000: exit $?"; cat "$t/big.err"; fail=1; }
n=$(grep -c ' check .* ok$' "$t/big.out")
[ "$n" = 3000 ] || { echo "3000: $n checks passed, expected 3000"; fail=1; }
grep -q '^    faults.cow  *2999$' "$t/big.out" || { echo "3000: not 2999 copy-on-write faults"; grep faults.cow "$t/big.out"; fail=1; }
grep -q '^    faults.zero_fill  *16$' "$t/big.out" || { echo "3000: not 16 zero-fill faults"; fail=1; }
tree 200 > "$t/small.vms"
"$VMSIM" run --audit "$t/small.vms" > "$t/small.out" 2> "$t/small.err" || { echo "200 --audit: exit $?"; cat "$t/small.err"; fail=1; }
grep -q '^    faults.cow  *199$' "$t/small.out" || { echo "200: not 199 copy-on-write faults"; fail=1; }
exit $fail
