#!/bin/sh
# The complete program of docs/api.md: examples/api/example.c is the program the page shows,
# it compiles against the build's library with the header alone, and its output is exactly
# the output the page shows.
build=$(dirname "$VMSIM")
lib="$build/libvmsim.a"
[ -f "$lib" ] || { echo "$lib missing" >&2; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The block between the page's markers, without its fence lines.
block() {
    sed -n "/^<!-- $1 begins -->\$/,/^<!-- $1 ends -->\$/p" docs/api.md | sed '1,2d;$d' | sed '$d'
}
block example.c >"$tmp/doc.c"
cmp -s "$tmp/doc.c" examples/api/example.c ||
    { echo "docs/api.md's program differs from examples/api/example.c" >&2;
      diff "$tmp/doc.c" examples/api/example.c | head -20 >&2; exit 1; }
block output >"$tmp/want"
# The libraries the Makefile's LDLIBS name (libzstd only when the library uses it); the
# sanitizers when the library was built with them.
libs="-lz -llzma -lpthread -lm"
nm "$lib" 2>/dev/null | grep -q ' U ZSTD_' && libs="$libs -lzstd"
san=
nm "$lib" 2>/dev/null | grep -q '__asan_' && san="-fsanitize=address,undefined"
build_example() {
    ${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror $san -Iinclude \
        -o "$tmp/example" examples/api/example.c "$lib" $libs 2>"$tmp/cc.err"
}
# (without nm, libzstd is tried when the link fails)
build_example || { libs="$libs -lzstd" && build_example; } ||
    { echo "example.c does not compile:" >&2; cat "$tmp/cc.err" >&2; exit 1; }
(cd "$tmp" && ./example) >"$tmp/out" 2>"$tmp/err" || { echo "example failed" >&2; cat "$tmp/err" >&2; exit 1; }
[ -s "$tmp/err" ] && { echo "example wrote to stderr:" >&2; cat "$tmp/err" >&2; exit 1; }
cmp -s "$tmp/out" "$tmp/want" ||
    { echo "example's output differs from docs/api.md" >&2; diff "$tmp/want" "$tmp/out" >&2; exit 1; }
# It takes the directory of its data file as an argument and leaves nothing there.
mkdir "$tmp/d"
(cd "$tmp" && ./example d) >"$tmp/out2" 2>&1 || exit 1
cmp -s "$tmp/out2" "$tmp/want" || { echo "output with DIR differs" >&2; exit 1; }
[ -z "$(ls -A "$tmp/d")" ] || { echo "example left files in DIR" >&2; exit 1; }
exit 0
