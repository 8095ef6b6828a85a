# Memory and swap larger than the host can back are accepted; only a touched set that
# outgrows the host fails, and cleanly (docs/performance.md, "Host memory"): under a
# virtual-memory limit (ulimit -v) of 100 MB, 1024 GiB of memory and swap run a small trace,
# while a trace that stores to a million pages (about 115 MB of frame metadata and tables)
# stops with exit status 2, "out of host memory" and the statistics so far marked partial.
# The same trace completes with a 400 MB limit.
nm "$VMSIM" 2>/dev/null | grep -q __asan_init && { echo "ASan reserves more than any ulimit -v: skipped" >&2; exit 77; }
( ulimit -v 100000 ) 2>/dev/null || { echo "this shell has no ulimit -v: skipped" >&2; exit 77; }
t=${TMPDIR:-/tmp}/outgrow.$$
mkdir "$t" || exit 1
trap 'rm -rf "$t"' EXIT
fail=0
bad() { echo "$*"; fail=1; }
( ulimit -v 100000; exec "$VMSIM" trace --no-progress --memory 1024G --swap 1024G \
    tests/data/trace/pages.lackey > "$t/small.out" 2> "$t/small.err" )
rc=$?
[ $rc = 0 ] || { bad "1024G under 100 MB: exit status $rc"; cat "$t/small.err"; }
grep -q '^references  *528$' "$t/small.out" || bad "1024G under 100 MB: not every reference ran"

awk 'BEGIN { for (i = 0; i < 1000000; i++) printf " S %x,8\n", 268435456 + i * 4096 }' > "$t/1m.lackey"
( ulimit -v 100000; exec "$VMSIM" trace --no-progress --memory 64G "$t/1m.lackey" > "$t/big.out" 2> "$t/big.err" )
rc=$?
[ $rc = 2 ] || bad "a million pages under 100 MB: exit status $rc, expected 2"
[ "$(cat "$t/big.err")" = "vmsim trace: out of host memory" ] || { bad "a million pages under 100 MB: stderr:"; cat "$t/big.err"; }
sed -n 2p "$t/big.out" | grep -q '^partial statistics: the run stopped at an error$' || bad "no partial mark"
refs=$(awk '$1 == "references" { print $2 }' "$t/big.out")
[ -n "$refs" ] && [ "$refs" -gt 0 ] && [ "$refs" -lt 1000000 ] || bad "partial references: '$refs'"

( ulimit -v 400000; exec "$VMSIM" trace --no-progress --memory 64G "$t/1m.lackey" > "$t/ok.out" 2> "$t/ok.err" )
rc=$?
[ $rc = 0 ] || { bad "a million pages under 400 MB: exit status $rc"; cat "$t/ok.err"; }
grep -q '^references  *1000000$' "$t/ok.out" || bad "a million pages under 400 MB: not every reference ran"
exit $fail
