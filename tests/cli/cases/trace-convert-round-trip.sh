#!/bin/sh
# lackey -> vmsim -> din -> vmsim -> lackey gives back the records (the sample has M
# records, which din splits, so the din leg is checked on a trace without M).
set -e
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
$VMSIM trace --convert vmsim -o "$t/a.vt" tests/data/trace/small.lackey.xz
$VMSIM trace --convert lackey -o "$t/b.lackey" "$t/a.vt"
grep -v '^==' tests/data/trace/small.lackey | cmp - "$t/b.lackey"
grep -v '^ M' "$t/b.lackey" > "$t/nom.lackey"
$VMSIM trace --convert din -o "$t/c.din" "$t/nom.lackey"
$VMSIM trace --convert vmsim -o - "$t/c.din" | $VMSIM trace --convert lackey -o "$t/d.lackey" -
cmp "$t/nom.lackey" "$t/d.lackey"
# the binary form is several times smaller than the text
[ $(wc -c < "$t/a.vt") -lt $(($(wc -c < tests/data/trace/small.lackey) / 4)) ]
