#!/bin/sh
# `make install PREFIX=...` of this build variant into a temporary prefix (DESTDIR too),
# then examples/api/example.c built against the installed copy only, with
# `pkg-config --cflags --libs --static vmsim`, run, and its output compared with the output
# docs/api.md shows for it. Linked once more with a file defining every internal global
# name of the library (err_set, parse_size, ...) as its own: that must link too.
# Without pkg-config the test is skipped (status 77), except under CI (VMSIM_CI set),
# where it fails.
root=$(pwd)
out=$(dirname "$VMSIM")
case $out in
"$root"/build) mode=release ;;
"$root"/build/*) mode=${out##*/} ;;
*) echo "$out is not a build directory of this tree" >&2; exit 1 ;;
esac
if ! command -v pkg-config >/dev/null; then
    echo "pkg-config not found: install pkgconf (Debian) to run the install test" >&2
    [ -n "${VMSIM_CI:-}" ] && exit 1
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
# A make of its own (not a job of the make running the tests); it finds the variant built.
MAKEFLAGS= MAKELEVEL= make --no-print-directory MODE="$mode" PREFIX="$prefix" install \
    >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log" >&2; echo "make install failed" >&2; exit 1; }
for f in bin/vmsim include/vmsim.h lib/libvmsim.a lib/pkgconfig/vmsim.pc; do
    [ -f "$prefix/$f" ] || { echo "make install did not install $f" >&2; exit 1; }
done
cmp -s "$prefix/lib/libvmsim.a" "$out/libvmsim.a" || { echo "installed a different libvmsim.a" >&2; exit 1; }

# DESTDIR stages the same tree under another root; the .pc still names PREFIX.
MAKEFLAGS= MAKELEVEL= make --no-print-directory MODE="$mode" PREFIX=/opt/vmsim \
    DESTDIR="$tmp/stage" install >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log" >&2; exit 1; }
[ -f "$tmp/stage/opt/vmsim/lib/libvmsim.a" ] || { echo "DESTDIR not honoured" >&2; exit 1; }
grep -qx 'prefix=/opt/vmsim' "$tmp/stage/opt/vmsim/lib/pkgconfig/vmsim.pc" || {
    echo "vmsim.pc under DESTDIR does not say prefix=/opt/vmsim" >&2; exit 1; }

PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
flags=$(pkg-config --cflags --libs --static vmsim) || { echo "pkg-config vmsim failed" >&2; exit 1; }
# The compression libraries this build found: zlib and liblzma always, libzstd when this
# vmsim reads zstd traces.
zstd=
"$VMSIM" trace --count tests/data/trace/small.lackey.zst >/dev/null 2>&1 && zstd=-lzstd
for want in "-I$prefix/include" "-L$prefix/lib" -lvmsim -lz -llzma $zstd -lpthread; do
    case " $flags " in *" $want "*) ;; *) echo "pkg-config --static: no $want in: $flags" >&2; exit 1 ;; esac
done
# Everything from the installed copy: no -I or -L into this tree.
cd "$tmp" || exit 1
cp "$root/examples/api/example.c" example.c
# shellcheck disable=SC2086 # the flags are words
${CC:-cc} -std=c11 -Wall -Wextra -Werror -o example example.c $flags || {
    echo "example.c did not build against the installed copy" >&2; exit 1; }
./example >example.got || { echo "example exited with status $?" >&2; exit 1; }
sed -n '/^<!-- output begins -->$/,/^<!-- output ends -->$/p' "$root/docs/api.md" |
    sed '1,2d;$d' | sed '$d' >example.want
cmp -s example.got example.want || {
    echo "example output differs from docs/api.md's:" >&2
    diff example.want example.got | head -20 >&2; exit 1; }

# A program with globals of the same names as the library's internal ones links (C names
# only: not the ones a sanitizer or the compiler makes up).
nm -P -g --defined-only "$out/libvmsim-internal.a" | awk 'NF >= 2 && length($2) == 1 { print $1 }' |
    grep -v '^vms_' | grep '^[A-Za-z][A-Za-z0-9_]*$' | sort -u >internal
[ "$(wc -l <internal)" -gt 100 ] || { echo "expected over 100 internal globals" >&2; exit 1; }
grep -qx err_set internal || { echo "err_set is not an internal global any more" >&2; exit 1; }
awk '{ printf "char %s = 1;\n", $1 }' internal >clash.c
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -o clash example.c clash.c $flags 2>clash.log || {
    head -5 clash.log >&2; echo "a program defining err_set & co does not link" >&2; exit 1; }
./clash >clash.got && cmp -s clash.got example.got || { echo "the clash program differs" >&2; exit 1; }
