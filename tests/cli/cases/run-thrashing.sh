#!/bin/sh
# The thrashing note: a working set far larger than memory gets a note on stderr (worded
# as what it is, a remark on a complete run, not an error); one that fits does not. The contract lines are unaffected.
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
printf 'memory 16pages\nswap 4MiB\nspawn P\nP mmap A 512KiB rw- private anon\nP fill A 512KiB 1\nP check A 512KiB 1\n' >"$t/big.vms"
printf 'memory 1MiB\nspawn P\nP mmap A 32KiB rw- private anon\nP fill A 32KiB 1\nP check A 32KiB 1\n' >"$t/fits.vms"
"$VMSIM" run "$t/big.vms" >"$t/big.out" 2>"$t/big.err" || { cat "$t/big.err" >&2; exit 1; }
grep -q '^vmsim run: note: thrashing: .* frames (the run is complete and its results are correct: this says it spent its time paging)$' "$t/big.err" ||
    { echo "no thrashing note:" >&2; cat "$t/big.err" >&2; exit 1; }
grep -q 'warning\|error' "$t/big.err" && { echo "the thrashing note reads as a warning" >&2; exit 1; }
grep -q '^P check A 524288 ok$' "$t/big.out" || { echo "check failed" >&2; exit 1; }
"$VMSIM" run "$t/fits.vms" >"$t/fits.out" 2>"$t/fits.err" || exit 1
[ ! -s "$t/fits.err" ] || { echo "unexpected warning:" >&2; cat "$t/fits.err" >&2; exit 1; }
exit 0
