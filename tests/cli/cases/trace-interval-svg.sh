#!/bin/sh
# trace --interval N --svg OUT: the rows as without --svg, and a plot of them: the miss
# ratio of each cache level and the L1 dTLB and the faults per reference against
# references, titled with the trace, the page size and the machine.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*" >&2; exit 1; }
has() { grep -q -- "$1" "$2" || fail "$2: expected $1"; }
"$VMSIM" trace --interval 100 tests/data/trace/pages.lackey >"$tmp/want" || fail "trace failed"
"$VMSIM" trace --interval 100 --svg "$tmp/a.svg" tests/data/trace/pages.lackey >"$tmp/got" || fail "trace --svg failed"
cmp -s "$tmp/want" "$tmp/got" || fail "the rows differ with --svg"
"$VMSIM" trace --interval 100 --svg "$tmp/b.svg" -o "$tmp/rows" tests/data/trace/pages.lackey >/dev/null || fail "trace -o --svg failed"
cmp -s "$tmp/want" "$tmp/rows" || fail "the rows in -o differ with --svg"
cmp -s "$tmp/a.svg" "$tmp/b.svg" || fail "the plot differs with -o"
for n in 'L1d miss ratio' 'L2 miss ratio' 'L3 miss ratio' 'L1 dTLB miss ratio' 'faults per reference'; do
    has "<text [^>]*>$n</text>" "$tmp/a.svg"
done
has '<text class="title"[^>]*>Miss ratio and fault rate over time</text>' "$tmp/a.svg"
has '<text class="subtitle"[^>]*>trace pages.lackey, pages of 4 KiB, machine core-i7</text>' "$tmp/a.svg"
has '>references</text>' "$tmp/a.svg"
has 'data-x-scale="linear"' "$tmp/a.svg"
for m in circle square triangle diamond cross; do has "xlink:href=\"#$m\"" "$tmp/a.svg"; done
# a machine without an L3 has no L3 line; several traces are named
"$VMSIM" trace --machine csapp-2level --interval 100 --svg "$tmp/c.svg" tests/data/trace/pages.lackey \
    tests/data/trace/small.lackey >/dev/null || fail "trace csapp-2level --svg failed"
! grep -q 'L3 miss ratio' "$tmp/c.svg" || fail "csapp-2level has no L3"
has 'trace pages.lackey, small.lackey, pages of 4 KiB, machine csapp-2level' "$tmp/c.svg"
"$VMSIM" trace --svg "$tmp/d.svg" tests/data/trace/pages.lackey >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- '--svg plots the --interval rows' "$tmp/err" || fail "expected --svg to need --interval"
# a run that fails on a bad line still prints its rows, and draws no plot
printf 'I  00401000,3\n L 10000000,8\n L zz,4\n' >"$tmp/bad.lackey"
"$VMSIM" trace --interval 1 "$tmp/bad.lackey" >"$tmp/want" 2>/dev/null
"$VMSIM" trace --interval 1 --svg "$tmp/e.svg" "$tmp/bad.lackey" >"$tmp/got" 2>/dev/null
[ $? -eq 2 ] || fail "expected exit status 2 on a bad line"
cmp -s "$tmp/want" "$tmp/got" && [ -s "$tmp/got" ] || fail "the rows before the bad line differ with --svg"
[ ! -e "$tmp/e.svg" ] || fail "a failed run drew a plot"
exit 0
