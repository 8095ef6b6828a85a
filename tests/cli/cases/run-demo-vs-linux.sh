#!/bin/sh
# `vmsim run` (the built-in demonstration) against Linux: its script (--print-demo) run with
# --on-linux must print the same contract lines, and the narration must precede each part.
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
contract() {
    grep -E '^(expect file |[A-Za-z_][A-Za-z0-9_-]*( (load|store|fetch|expect|fill|check|touch) | killed: |: no such process$))' "$1"
}
"$VMSIM" run --print-demo >"$t/demo.vms" || exit 1
"$VMSIM" run >"$t/sim.out" 2>"$t/sim.err"; rc=$?
[ $rc -eq 0 ] || { echo "vmsim run: exit status $rc" >&2; cat "$t/sim.err" >&2; exit 1; }
# Linux keeps stored bytes past EOF only on tmpfs (the reference of docs/scenario-contract.md):
# use it if here.
dir=/tmp
[ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && dir=/dev/shm
TMPDIR=$dir "$VMSIM" run --on-linux "$t/demo.vms" >"$t/linux.out" 2>"$t/linux.err" || {
    echo "vmsim run --on-linux failed" >&2; cat "$t/linux.err" >&2; exit 1; }
contract "$t/sim.out" >"$t/sim.c"
contract "$t/linux.out" >"$t/linux.c"
[ -s "$t/sim.c" ] || { echo "no contract lines from vmsim run" >&2; exit 1; }
if ! cmp -s "$t/linux.c" "$t/sim.c"; then
    echo "the demonstration differs from Linux:" >&2
    diff -u "$t/linux.c" "$t/sim.c" >&2
    exit 1
fi
for part in '# 1. fork and copy-on-write' '# 3. Swapping under pressure' '# 6. Statistics'; do
    grep -q "^$part" "$t/sim.out" || { echo "narration '$part' missing" >&2; exit 1; }
done
grep -q 'swap.outs' "$t/sim.out" || { echo "no statistics at the end" >&2; exit 1; }
# the story shows swapping: swap-outs happened
outs=$(awk '$1 == "swap.outs" { print $2 }' "$t/sim.out")
[ "${outs:-0}" -gt 0 ] || { echo "the demonstration did not swap" >&2; exit 1; }
exit 0
