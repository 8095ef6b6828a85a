#!/bin/sh
# Scenario names are looked up in hash tables (src/scenario/names.c), not by scanning, so a
# scenario's time grows with its length, not with its square: 2*10^4 mmaps in one process,
# two forks of it (each copies 2*10^4 bindings) and 2*10^4 spawns run once must take less
# than twice what ten runs of a tenth of it take. Measured on a loaded host: now 0.50 s
# against 0.68 s (0.7 times); with the linear scans the parser and the process model had,
# 8.2 s against 2.1 s (4 times). Comparing two runs on the same host keeps the check
# independent of its speed and of sanitizers. The output is checked too.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=20000
gen() {
    awk -v n=$1 'BEGIN {
        print "spawn P"
        for (i = 0; i < n; i++) printf "P mmap M%d 1page rw- private anon\n", i
        print "fork P C"; print "fork C D"
        printf "D store M%d 1 7\n", n - 1
        print "D load M0 1"
        printf "C load M%d 1\n", n - 1
        for (i = 0; i < n; i++) printf "spawn S%d\n", i
        printf "S%d mmap A 1page rw- private anon\n", n - 1
        printf "S%d store A 1 1\n", n - 1
        printf "S%d load A 1\n", n - 1
        print "exit S0"; print "S1 load 0x10000000 1"
    }'
}
gen $n > "$tmp/big.vms"
gen $((n / 10)) > "$tmp/small.vms"
now() { date +%s%N; }
start=$(now)
timeout 120 "$VMSIM" run "$tmp/big.vms" > "$tmp/out" 2> "$tmp/err"; rc=$?
big=$(( ($(now) - start) / 1000000 ))
start=$(now)
for i in 1 2 3 4 5 6 7 8 9 10; do timeout 120 "$VMSIM" run "$tmp/small.vms" > /dev/null 2>&1 || rc=$?; done
small=$(( ($(now) - start) / 1000000 ))
fail=0
[ $rc = 0 ] || { echo "FAIL: exit status $rc" >&2; cat "$tmp/err" >&2; fail=1; }
printf 'D store M%d 1 0x7\nD load M0 1 = 0x0\nC load M%d 1 = 0x0\nS%d store A 1 0x1\nS%d load A 1 = 0x1\nS1 load 0x10000000 1 = SIGSEGV maperr\n' \
    $((n - 1)) $((n - 1)) $((n - 1)) $((n - 1)) > "$tmp/want"
grep -v '^#' "$tmp/out" | cmp -s - "$tmp/want" || { echo "FAIL: output:" >&2; diff "$tmp/want" "$tmp/out" >&2; fail=1; }
[ $big -lt $((2 * small + 100)) ] ||
    { echo "FAIL: one run of 2*10^4 names took $big ms, ten runs of 2*10^3 $small ms: superlinear" >&2; fail=1; }
exit $fail
