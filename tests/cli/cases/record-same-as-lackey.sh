#!/bin/sh
# vmsimrec's memory records are lackey's (docs/record.md): the three programs of
# tests/data/cachegrind/ (a large code footprint, a big data footprint, a matrix multiply)
# are recorded with `--no-events` (vmsimrec, a 1.0 trace) and with `--tool lackey`, under
# the same environment (VALGRIND_LIB names one directory holding both tools, so the
# client's stack is laid out alike), and the two traces must hold the same records in the
# same order, compared as lackey text written by `vmsim trace --convert lackey`: the same
# kinds and sizes throughout, the same instruction addresses, and the same data addresses
# but for at most 8 one-byte loads. Those few differ between two runs of lackey itself
# (measured: one or two loads in ld.so's start-up whose address depends on the random bytes
# the kernel gives each process, AT_RANDOM). When the texts are equal, the records' bytes
# after the header must be too (the same encoder choices).
if ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIP: valgrind not installed (Debian: valgrind): vmsimrec not compared with lackey" >&2
    [ -n "${VMSIM_CI:-}" ] && exit 1
    exit 77
fi
lib=$(dirname "$VMSIM")/valgrind
if [ ! -x "$lib/vmsimrec-amd64-linux" ]; then
    echo "SKIP: vmsimrec not built (no Valgrind headers and archives): not compared" >&2
    [ -n "${VMSIM_CI:-}" ] && exit 1
    exit 77
fi
lackey=$(ls /usr/libexec/valgrind/lackey-amd64-linux /usr/lib/x86_64-linux-gnu/valgrind/lackey-amd64-linux 2>/dev/null | head -n 1)
[ -n "$lackey" ] || { echo "SKIP: lackey-amd64-linux not found" >&2; exit 77; }
CC=${CC:-cc}
command -v "$CC" >/dev/null 2>&1 || CC=gcc
src=$(pwd)/tests/data/cachegrind
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
mkdir "$t/lib" && ln -s "$(cd "$lib" && pwd)"/* "$t/lib/" || exit 1
[ -e "$t/lib/lackey-amd64-linux" ] || ln -s "$lackey" "$t/lib/" || exit 1
fail=0
# the header's length: bytes 12..15, little-endian
hlen() { od -An -tu1 -j12 -N4 "$1" | awk '{ print $1 + 256 * ($2 + 256 * ($3 + 256 * $4)) }'; }
for p in code data mm; do
    (cd "$t" && "$CC" -O1 -o $p "$src/$p.c") || { echo "cannot compile $p.c" >&2; exit 1; }
    for tool in vmsimrec lackey; do
        (cd "$t" && env -i PATH="$PATH" VALGRIND_LIB="$t/lib" VMSIM_VALGRIND_LIB="$t/lib" \
            "$VMSIM" record --no-progress --tool $tool --no-events -o $p.$tool.vt -- ./$p) \
            >/dev/null 2>"$t/err" || { cat "$t/err" >&2; exit 1; }
        "$VMSIM" trace --convert lackey -o "$t/$p.$tool.txt" "$t/$p.$tool.vt" || exit 1
    done
    n=$(wc -l < "$t/$p.lackey.txt")
    [ "$n" -gt 100000 ] || { echo "FAIL: $p: only $n lackey records" >&2; fail=1; }
    # kind and size of every record, in order
    for tool in vmsimrec lackey; do
        awk -F, '{ print substr($0, 1, 2) $2 }' "$t/$p.$tool.txt" > "$t/$p.$tool.ks"
    done
    cmp -s "$t/$p.vmsimrec.ks" "$t/$p.lackey.ks" ||
        { echo "FAIL: $p: the kinds or sizes of the records differ" >&2; fail=1; continue; }
    # the lines that differ: only one-byte loads, at most 8
    paste -d'|' "$t/$p.vmsimrec.txt" "$t/$p.lackey.txt" | awk -F'|' '$1 != $2' > "$t/diff"
    nd=$(wc -l < "$t/diff")
    other=$(grep -vc '^ L [0-9a-f]*,1| L [0-9a-f]*,1$' "$t/diff")
    if [ "$nd" -gt 8 ] || [ "$other" -gt 0 ]; then
        echo "FAIL: $p: $nd records differ from lackey's ($other not one-byte loads):" >&2
        head -n 10 "$t/diff" >&2; fail=1
    fi
    if [ "$nd" -eq 0 ]; then
        a=$(hlen "$t/$p.vmsimrec.vt"); b=$(hlen "$t/$p.lackey.vt")
        tail -c +$((a + 1)) "$t/$p.vmsimrec.vt" > "$t/a"; tail -c +$((b + 1)) "$t/$p.lackey.vt" > "$t/b"
        cmp -s "$t/a" "$t/b" || { echo "FAIL: $p: equal records, different bytes" >&2; fail=1; }
    fi
done
exit $fail
