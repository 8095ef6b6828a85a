#!/bin/sh
# mrc -o OUT writes what standard output would show (table, CSV, JSON) to OUT; - is stdout.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*" >&2; exit 1; }
for f in "" --csv --json; do
    "$VMSIM" mrc --policy lru,fifo $f tests/data/trace/mrc.lackey >"$tmp/want" || fail "mrc $f failed"
    "$VMSIM" mrc --policy lru,fifo $f -o "$tmp/got" tests/data/trace/mrc.lackey >"$tmp/stdout" || fail "mrc -o $f failed"
    cmp -s "$tmp/want" "$tmp/got" || fail "mrc $f -o: not the standard output's text"
    [ ! -s "$tmp/stdout" ] || fail "mrc $f -o: printed to standard output too"
    "$VMSIM" mrc --policy lru,fifo $f --output - tests/data/trace/mrc.lackey >"$tmp/dash" || fail "mrc --output - failed"
    cmp -s "$tmp/want" "$tmp/dash" || fail "mrc $f --output -: not standard output"
done
"$VMSIM" mrc --file tests/data/refs/textbook.txt -o "$tmp/no/such/dir" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- '^vmsim mrc: -o: ' "$tmp/err" || fail "expected a -o error with status 2"
exit 0
