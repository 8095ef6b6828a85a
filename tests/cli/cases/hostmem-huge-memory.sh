# Host memory follows the pages touched, not the memory and swap configured
# (docs/performance.md, "Host memory"): traces and scenarios run with 1024 GiB of memory
# and of swap peak below 64 MiB of host memory (tests/tools/maxrss: getrusage of the
# child) — within 16 MiB of the same run with 64 MiB — and print exactly its statistics,
# apart from the sizes themselves; under pressure, 1024 GiB of swap behaves as 1 MiB does.
d=tests/data/trace
rss=$(dirname "$VMSIM")/tools/maxrss
[ -x "$rss" ] || { echo "no $rss (make check-build)"; exit 1; }
t=${TMPDIR:-/tmp}/hostmem.$$
mkdir "$t" || exit 1
trap 'rm -rf "$t"' EXIT
fail=0
bad() { echo "$*"; fail=1; }
# Under the sanitizers shadow memory comes on top: only the comparison with 64 MiB holds.
san=0
nm "$VMSIM" 2>/dev/null | grep -q __asan_init && san=1

# run NAME CMD...: runs CMD under maxrss, stdout to $t/NAME.out, the peak KiB in $t/NAME.kib
run() {
    name=$1
    shift
    "$rss" "$t/$name.kib" "$@" > "$t/$name.out" 2> "$t/$name.err"
    echo $? > "$t/$name.rc"
}
# same A B [stats-only]: equal statistics and exit status, the memory and swap sizes aside;
# B's peak is below 64 MiB (without the sanitizers) and at most 16 MiB above A's.
same() {
    for n in "$1" "$2"; do
        sed -e 's/memory [0-9]* bytes, swap [0-9]* bytes/memory M, swap S/' \
            -e 's/"memory":[0-9]*,"swap":[0-9]*/"memory":M,"swap":S/' "$t/$n.out" > "$t/$n.norm"
    done
    cmp -s "$t/$1.rc" "$t/$2.rc" || bad "$2: exit status $(cat "$t/$2.rc"), $1: $(cat "$t/$1.rc")"
    [ -s "$t/$1.norm" ] || bad "$1: no output"
    cmp -s "$t/$1.norm" "$t/$2.norm" || { bad "$2: statistics differ from $1"; diff "$t/$1.norm" "$t/$2.norm" | head -10; }
    [ "$3" = stats-only ] && return
    a=$(cat "$t/$1.kib") b=$(cat "$t/$2.kib")
    [ "$b" -le $((a + 16384)) ] || bad "$2: peak RSS $b KiB, $1 $a KiB"
    [ $san = 1 ] || [ "$b" -lt 65536 ] || bad "$2: peak RSS $b KiB, not below 64 MiB"
}

# two trace processes, nothing evicted
run t64m "$VMSIM" trace --no-progress --memory 64M --swap 64M $d/pages.lackey $d/small.lackey
run t1t "$VMSIM" trace --no-progress --memory 1024G --swap 1024G $d/pages.lackey $d/small.lackey
same t64m t1t
# JSON of one trace with 1024 GiB of memory and no swap
run j64m "$VMSIM" trace --no-progress --json --memory 64M $d/small.lackey
run j1t "$VMSIM" trace --no-progress --json --memory 1024G $d/small.lackey
same j64m j1t
# policies whose ticks looked at every frame (aging and nru took 14 s each at 1024 GiB);
# aging's per-frame arrays, allocated for every frame but untouched, cost no host memory,
# except the sanitizers' shadow of them (docs/performance.md): there only the statistics
for pol in aging nru; do
    run ${pol}64m timeout 60 "$VMSIM" trace --no-progress --policy $pol --memory 64M $d/pages.lackey
    run ${pol}1t timeout 60 "$VMSIM" trace --no-progress --policy $pol --memory 1024G $d/pages.lackey
    if [ $san = 1 ]; then same ${pol}64m ${pol}1t stats-only; else same ${pol}64m ${pol}1t; fi
done
# arc and lirs allocated 2-3 entries per frame at create ("out of memory creating policy"
# at 1024 GiB): their tables now grow as frames are used, so host memory and statistics
# are those of 64 MiB; under pressure (32 KiB) they decide as before, whatever the swap size
for pol in arc lirs; do
    run ${pol}64m timeout 60 "$VMSIM" trace --no-progress --policy $pol --memory 64M $d/pages.lackey $d/small.lackey
    run ${pol}1t timeout 60 "$VMSIM" trace --no-progress --policy $pol --memory 1024G --swap 1024G $d/pages.lackey $d/small.lackey
    same ${pol}64m ${pol}1t
    run ${pol}s1m "$VMSIM" trace --no-progress --policy $pol --memory 32K --swap 1M $d/pages.lackey $d/small.lackey
    run ${pol}s1t "$VMSIM" trace --no-progress --policy $pol --memory 32K --swap 1024G $d/pages.lackey $d/small.lackey
    same ${pol}s1m ${pol}s1t
    grep -q '^swap\.outs  *[1-9]' "$t/${pol}s1t.out" || bad "${pol}s1t: nothing was swapped out"
done
# swapping through 32 KiB of memory: 1024 GiB of swap as 1 MiB
run s1m "$VMSIM" trace --no-progress --memory 32K --swap 1M $d/pages.lackey $d/small.lackey
run s1t "$VMSIM" trace --no-progress --memory 32K --swap 1024G $d/pages.lackey $d/small.lackey
same s1m s1t
grep -q '^swap\.outs  *[1-9]' "$t/s1t.out" || bad "s1t: nothing was swapped out"

# scenarios: fork and copy-on-write with everything resident, then a fill through 16 frames
scn() { # scn FILE MEMORY SWAP
    { echo "memory $2"; echo "swap $3"; cat; } > "$1"
}
body='spawn P
P mmap A 1MiB rw- private anon
P fill A 1MiB 7
fork P Q
Q fill A+64KiB 64KiB 9
P check A 1MiB 7
Q check A+64KiB 64KiB 9
exit Q
stats'
echo "$body" | scn "$t/r64m.vms" 64MiB 64MiB
echo "$body" | scn "$t/r1t.vms" 1024GiB 1024GiB
run r64m "$VMSIM" run --audit "$t/r64m.vms"
run r1t "$VMSIM" run --audit "$t/r1t.vms"
same r64m r1t
echo "$body" | scn "$t/p2m.vms" 64KiB 2MiB
echo "$body" | scn "$t/p1t.vms" 64KiB 1024GiB
run p2m "$VMSIM" run --audit "$t/p2m.vms"
run p1t "$VMSIM" run --audit "$t/p1t.vms"
same p2m p1t
grep -q 'swap\.outs  *[1-9]' "$t/p1t.out" || bad "p1t: nothing was swapped out"
exit $fail
