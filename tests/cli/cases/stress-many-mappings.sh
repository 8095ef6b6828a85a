# Stress: 6 x 10^4 mappings of one process in a scenario (near vm.max_map_count, 65530;
# one page each, alternately read-only and read-write so that no two merge: 6 x 10^4 areas
# in /proc/PID/maps), the last one written and read back, the first read (a fresh zero
# page). Before the scenario's names were hashed, 10^5 mappings through the scenario
# language took minutes; tests/unit/test_kernel_stress.c maps 10^5 through the kernel API.
t=${TMPDIR:-/tmp}/stress-maps.$$
mkdir "$t" || exit 1
trap 'rm -rf "$t"' EXIT
n=60000
awk -v n=$n 'BEGIN {
    print "spawn P"
    for (i = 0; i < n; i++) printf "P mmap A%d 4KiB %s private anon\n", i, (i % 2 ? "rw-" : "r--")
    print "P store A" n - 1 " 8 0x55aa"; print "P expect A" n - 1 " 8 0x55aa"
    print "P load A0 1"; print "P maps"; print "stats" }' > "$t/maps.vms"
fail=0
"$VMSIM" run "$t/maps.vms" > "$t/out" 2> "$t/err" || { echo "exit $?"; head -5 "$t/err"; fail=1; }
areas=$(grep -c '^[0-9a-f]*-[0-9a-f]* r[-w]-p ' "$t/out")
[ "$areas" = $n ] || { echo "$areas areas in maps, expected $n"; fail=1; }
grep -qx "P expect A$((n - 1)) 8 = 0x55aa" "$t/out" || { echo "the last mapping lost its store"; fail=1; }
grep -qx 'P load A0 1 = 0x0' "$t/out" || { echo "the first mapping is not zero"; fail=1; }
grep -q '^    faults.zero_fill  *2$' "$t/out" || { echo "not 2 zero-fill faults"; fail=1; }
exit $fail
