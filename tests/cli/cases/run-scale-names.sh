#!/bin/sh
# Scenario names are looked up in hash tables (src/scenario/names.c), not by scanning: a
# scenario of 2*10^4 mmaps in one process, two forks of it (each copies 2*10^4 bindings)
# and 2*10^4 spawns runs in well under two seconds (0.25 s here; 3.1 s with the linear
# scans the parser and the process model had, which grew with the square of the names:
# 10^5 mmaps took 28 s, 10^5 spawns 17 s, now 0.14 s and 1.2 s).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=20000
awk -v n=$n 'BEGIN {
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
}' > "$tmp/scale.vms"
start=$(date +%s%N)
timeout 60 "$VMSIM" run "$tmp/scale.vms" > "$tmp/out" 2> "$tmp/err"; rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
fail=0
[ $rc = 0 ] || { echo "FAIL: exit status $rc" >&2; cat "$tmp/err" >&2; fail=1; }
printf 'D store M%d 1 0x7\nD load M0 1 = 0x0\nC load M%d 1 = 0x0\nS%d store A 1 0x1\nS%d load A 1 = 0x1\nS1 load 0x10000000 1 = SIGSEGV maperr\n' \
    $((n - 1)) $((n - 1)) $((n - 1)) $((n - 1)) > "$tmp/want"
grep -v '^#' "$tmp/out" | cmp -s - "$tmp/want" || { echo "FAIL: output:" >&2; diff "$tmp/want" "$tmp/out" >&2; fail=1; }
[ $ms -lt 2000 ] || { echo "FAIL: $ms ms for 2*10^4 mmaps, 2 forks, 2*10^4 spawns (expected well under 2 s)" >&2; fail=1; }
exit $fail
