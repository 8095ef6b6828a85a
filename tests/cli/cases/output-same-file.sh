#!/bin/sh
# An output that is also an input is refused before anything runs (exit 2, "OUT: is also an
# input (IN)"), compared by device and inode: the same path spelled twice, ./x against
# $PWD/x, a hard link, a symlink, standard input redirected from the output. The input is
# left byte for byte as it was and no temporary file is left beside it. (Before: a convert
# onto ./t.lackey cut the trace short, `trace -o T T` emptied T, `mrc --svg T T` wrote the
# SVG over the trace, `merge -o a.csv a.csv` emptied a.csv.)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
root=$PWD
cp tests/data/trace/small.lackey "$tmp/t.lackey" || exit 1
cp tests/data/merge/a.csv "$tmp/a.csv" || exit 1
cp tests/data/refs/textbook.txt "$tmp/refs.txt" || exit 1
cp tests/data/trace/small.lackey "$tmp/prog" || exit 1
ln "$tmp/t.lackey" "$tmp/hard" || exit 1
ln -s t.lackey "$tmp/sym" || exit 1
cd "$tmp" || exit 1
# refused OUT IN COMMAND...: exit 2, the message names OUT and IN, every file unchanged.
refused() {
    want_out=$1 want_in=$2
    shift 2
    "$@" >out.stdout 2>out.stderr; rc=$?
    if [ $rc != 2 ]; then echo "FAIL: '$*': exit status $rc, expected 2" >&2; fail=1; fi
    grep -qF -- "$want_out: is also an input ($want_in)" out.stderr ||
        { echo "FAIL: '$*': stderr:" >&2; cat out.stderr >&2; fail=1; }
    cmp -s t.lackey "$root/tests/data/trace/small.lackey" || { echo "FAIL: '$*' changed the trace" >&2; fail=1; }
    cmp -s a.csv "$root/tests/data/merge/a.csv" || { echo "FAIL: '$*' changed a.csv" >&2; fail=1; }
    cmp -s refs.txt "$root/tests/data/refs/textbook.txt" || { echo "FAIL: '$*' changed refs.txt" >&2; fail=1; }
    [ -L sym ] || { echo "FAIL: '$*' replaced the symlink" >&2; fail=1; }
    left=$(ls -A | grep -v '^out\.std' | tr '\n' ' ')
    [ "$left" = "a.csv hard prog refs.txt sym t.lackey " ] || { echo "FAIL: '$*' left: $left" >&2; fail=1; }
}
refused ./t.lackey "$tmp/t.lackey" "$VMSIM" trace --convert lackey -o ./t.lackey "$tmp/t.lackey"
refused hard t.lackey "$VMSIM" trace --convert din -o hard t.lackey
refused sym t.lackey "$VMSIM" trace --convert vmsim -o sym t.lackey
refused t.lackey t.lackey "$VMSIM" trace -o t.lackey t.lackey
refused hard t.lackey "$VMSIM" trace --csv -o hard tests-missing-none t.lackey
refused sym t.lackey "$VMSIM" trace --interval 100 --svg sym t.lackey
refused t.lackey t.lackey "$VMSIM" mrc --policy lru --svg t.lackey t.lackey
refused hard t.lackey "$VMSIM" mrc --policy lru -o hard t.lackey
refused refs.txt refs.txt "$VMSIM" mrc --policy lru --file refs.txt --ws-series refs.txt
refused a.csv a.csv "$VMSIM" merge -o a.csv a.csv
refused a.csv "$tmp/a.csv" "$VMSIM" merge -o a.csv "$root/tests/data/merge/b.csv" "$tmp/a.csv"
refused "$tmp/sym" t.lackey "$VMSIM" sweep --memory 1M,2M -o "$tmp/sym" t.lackey
refused sym t.lackey "$VMSIM" sweep --memory 1M -o sym "$root/tests/data/trace/small.din,t.lackey"
refused refs.txt refs.txt "$VMSIM" pages --ws-series --tau 2 --file refs.txt --svg refs.txt
refused ./prog ./prog "$VMSIM" record -o ./prog ./prog
# standard input redirected from the output file
refused t.lackey "standard input" sh -c '"$VMSIM" trace -o t.lackey - < t.lackey'
refused hard "standard input" sh -c '"$VMSIM" trace --convert din -o hard - < t.lackey'
# A different file is fine, and writes what standard output gets.
"$VMSIM" trace --convert din -o copy.din t.lackey || { echo "FAIL: convert to a new file" >&2; fail=1; }
"$VMSIM" trace --convert din -o - t.lackey | cmp -s - copy.din || { echo "FAIL: copy.din differs from stdout" >&2; fail=1; }
exit $fail
