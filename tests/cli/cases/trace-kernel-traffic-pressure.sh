#!/bin/sh
# Memory pressure and the kernel's own memory traffic (docs/machines.md, "Kernel memory
# traffic"): bench/traces/mm.lackey.xz with 64 frames (FIFO, swap) and with all of memory.
# With pressure every frame is reused for other pages: the swap-in DMA invalidates the
# frame's lines and the swap-out snoops them, so no line of a page that left hits for the
# page that came in, and every cache level's misses (the program's columns) are at least
# those without pressure. With kernel_traffic=off the stale lines still hit: L2 and L3 then
# miss less under pressure than with all of memory, which is what the check guards against.
trace=bench/traces/mm.lackey.xz
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
run() { # NAME ARGS...: the run's statistics as text, "key value ..." lines
    name=$1
    shift
    "$VMSIM" trace "$@" "$trace" >"$tmp/$name" 2>"$tmp/$name.err" ||
        { cat "$tmp/$name.err" >&2; exit 1; }
}
get() { awk -v k="$2" '$1 == k { print $2 }' "$tmp/$1"; }
press="--memory 256K --swap 8M --policy fifo"
run all
run press $press
run all_off --set kernel_traffic=off
run press_off $press --set kernel_traffic=off
bad=0
[ "$(get press swap.ins)" -gt 100000 ] || { echo "no memory pressure: $(get press swap.ins) swap-ins" >&2; bad=1; }
for lv in l1d l1i l2 l3; do
    a=$(get all cache.$lv.misses) p=$(get press cache.$lv.misses)
    [ -n "$a" ] && [ -n "$p" ] || { echo "no cache.$lv.misses" >&2; bad=1; continue; }
    [ "$p" -ge "$a" ] || { echo "cache.$lv.misses: $p with 64 frames < $a with all of memory" >&2; bad=1; }
done
# the DMA is counted: a page per swap-out read, a page per swap-in written (64 blocks
# each); the kernel's DRAM reads are those and the fills of its own L3 misses
[ "$(get press cache.dram.kernel.reads)" -eq $(($(get press swap.outs) * 64 + $(get press cache.l3.kernel.misses))) ] ||
    { echo "cache.dram.kernel.reads: $(get press cache.dram.kernel.reads), swap.outs $(get press swap.outs)" >&2; bad=1; }
[ "$(get press cache.dram.kernel.writes)" -ge $(($(get press swap.ins) * 64)) ] ||
    { echo "cache.dram.kernel.writes: $(get press cache.dram.kernel.writes), swap.ins $(get press swap.ins)" >&2; bad=1; }
# without kernel traffic: no kernel columns, and the stale lines hit
[ -z "$(get press_off cache.l2.kernel.misses)" ] || { echo "kernel columns with kernel_traffic=off" >&2; bad=1; }
[ "$(get press_off cache.l2.misses)" -lt "$(get all_off cache.l2.misses)" ] ||
    { echo "kernel_traffic=off: stale lines expected to hit under pressure" >&2; bad=1; }
# the program's references are the same in every run
for k in references ifetches loads stores; do
    [ "$(get all $k)" = "$(get press_off $k)" ] && [ "$(get all $k)" = "$(get press $k)" ] ||
        { echo "$k differs between the runs" >&2; bad=1; }
done
exit $bad
