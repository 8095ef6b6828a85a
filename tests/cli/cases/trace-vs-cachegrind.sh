#!/bin/sh
# vmsim's L1 caches against Valgrind's cachegrind, whole runs (docs/trace.md, "Cross-check
# against cachegrind"). Three programs of tests/data/cachegrind/ are built here: code.c (a
# large code footprint), data.c (a big data footprint read before it is written) and mm.c
# (a matrix multiply and a strided walk). Each is recorded with `vmsim record` (lackey) and
# run under cachegrind with core-i7's L1 geometry (32 KiB, 8-way, 64-byte lines, LRU,
# write-allocate), both under `env -i` with the program's output to /dev/null, and the
# trace runs with walks and the kernel's own memory traffic kept out of the caches
# (walk_through_cache=off kernel_traffic=off: cachegrind sees the program's references only).
#  * References must be equal: both tools instrument the same program under Valgrind.
#    cachegrind counts an M (modify) as one read: I refs = ifetches, Dr = loads (L + M),
#    Dw = stores - M.
#  * L1i and L1d misses must be within 1 % of cachegrind's, and never below them. The L1
#    index (bits 6..11) lies in the 4 KiB page offset, and with a frame per page the
#    physical lines are one-to-one with cachegrind's virtual ones, so both caches go
#    through the same states; the counts differ only where a reference straddles two
#    lines and both miss: cachegrind counts one miss per reference, vmsim one per line.
#  * The page model matters: under --zero-page (reads of untouched pages alias the one
#    zero page) code.c's L1i and data.c's L1d misses fall far below cachegrind's.
if ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIP: valgrind not installed (Debian: valgrind): the cachegrind cross-check not run" >&2
    [ -n "${VMSIM_CI:-}" ] && exit 1
    exit 77
fi
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || CC=gcc
command -v "$CC" >/dev/null 2>&1 || { echo "SKIP: no C compiler: the cachegrind cross-check not run" >&2; exit 77; }
src=$(pwd)/tests/data/cachegrind
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
# key value of a `vmsim trace` text output
val() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
# a cachegrind summary count: "==PID== NAME: N (...)", commas dropped
cg() { sed -n "s/^==[0-9]*== $2: *\([0-9,]*\).*/\1/p" "$1" | tr -d ,; }
# within(vmsim, cachegrind): cachegrind <= vmsim <= cachegrind + 1 %
within() { [ "$2" -gt 0 ] && [ "$1" -ge "$2" ] && [ $(($1 - $2)) -le $(($2 / 100)) ]; }
for p in code data mm; do
    (cd "$tmp" && "$CC" -O1 -o $p "$src/$p.c") || { echo "cannot compile $p.c" >&2; exit 1; }
    (cd "$tmp" && env -i PATH="$PATH" "$VMSIM" record --tool lackey -o $p.vt -- ./$p) >/dev/null 2>"$tmp/rec.err" ||
        { cat "$tmp/rec.err" >&2; exit 1; }
    (cd "$tmp" && env -i PATH="$PATH" valgrind --tool=cachegrind --cache-sim=yes \
        --I1=32768,8,64 --D1=32768,8,64 --LL=8388608,16,64 --cachegrind-out-file=/dev/null \
        ./$p) >/dev/null 2>"$tmp/$p.cg" || { cat "$tmp/$p.cg" >&2; exit 1; }
    "$VMSIM" trace --count "$tmp/$p.vt" >"$tmp/$p.count" || exit 1
    "$VMSIM" trace --set walk_through_cache=off --set kernel_traffic=off "$tmp/$p.vt" >"$tmp/$p.vm" || exit 1
    "$VMSIM" trace --zero-page --set walk_through_cache=off --set kernel_traffic=off "$tmp/$p.vt" >"$tmp/$p.zp" || exit 1
    grep -q ', page model frame-per-page,' "$tmp/$p.vm" || bad "$p: not the frame-per-page model"
    m=$(val "$tmp/$p.count" M)
    ir=$(cg "$tmp/$p.cg" "I   refs"); i1=$(cg "$tmp/$p.cg" "I1  misses")
    d1=$(cg "$tmp/$p.cg" "D1  misses")
    dr=$(sed -n 's/^==[0-9]*== D   refs:.*(\ *\([0-9,]*\) rd.*/\1/p' "$tmp/$p.cg" | tr -d ,)
    dw=$(sed -n 's/^==[0-9]*== D   refs:.*rd *+ *\([0-9,]*\) wr.*/\1/p' "$tmp/$p.cg" | tr -d ,)
    vi=$(val "$tmp/$p.vm" ifetches); vl=$(val "$tmp/$p.vm" loads); vs=$(val "$tmp/$p.vm" stores)
    vi1=$(val "$tmp/$p.vm" cache.l1i.misses); vd1=$(val "$tmp/$p.vm" cache.l1d.misses)
    zi1=$(val "$tmp/$p.zp" cache.l1i.misses); zd1=$(val "$tmp/$p.zp" cache.l1d.misses)
    echo "$p: cachegrind I refs $ir, Dr $dr, Dw $dw, I1 misses $i1, D1 misses $d1;" \
        "vmsim ifetches $vi, loads $vl, stores $vs (M $m), l1i misses $vi1, l1d misses $vd1" \
        "(--zero-page: $zi1, $zd1), split $(val "$tmp/$p.vm" split)" >&2
    [ -n "$ir" ] && [ -n "$dr" ] && [ -n "$dw" ] && [ -n "$i1" ] && [ -n "$d1" ] && [ -n "$m" ] ||
        { bad "$p: cannot read the counts"; continue; }
    [ "$vi" = "$ir" ] || bad "$p: ifetches $vi, cachegrind I refs $ir"
    [ "$vl" = "$dr" ] || bad "$p: loads $vl, cachegrind Dr $dr"
    [ $((vs - m)) = "$dw" ] || bad "$p: stores - M $((vs - m)), cachegrind Dw $dw"
    within "$vi1" "$i1" || bad "$p: l1i misses $vi1, cachegrind I1 misses $i1 (allowed: +1 %)"
    within "$vd1" "$d1" || bad "$p: l1d misses $vd1, cachegrind D1 misses $d1 (allowed: +1 %)"
    case $p in
    code) [ $((zi1 * 2)) -lt "$i1" ] || bad "code: --zero-page l1i misses $zi1, not far below $i1" ;;
    data) [ $((zd1 * 10)) -lt $((d1 * 9)) ] || bad "data: --zero-page l1d misses $zd1, not far below $d1" ;;
    esac
done
exit $fail
