#!/bin/sh
# A string longer than 64 references: without --table the text says the table is left out
# (never silently); with --table every reference is printed, in blocks that fit --width
# (and with --width 0 in one block).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
refs=$(awk 'BEGIN { for (i = 0; i < 150; i++) printf "%d ", (i * 7) % 11 }')
out=$("$VMSIM" pages --frames 4 --policy lru $refs) || exit 1
echo "$out" | grep -qx '(the table of 150 references is left out: --table prints it)' ||
    { echo "no left-out line: $out" >&2; exit 1; }
for w in 80 50 0; do
    "$VMSIM" pages --frames 4 --policy lru --table --state --width $w $refs >"$tmp/t" || exit 1
    # every reference once, in order, over the blocks' ref rows
    got=$(awk '/^ref / { for (i = 2; i <= NF; i++) printf "%s ", $i }' "$tmp/t")
    [ "$got" = "$refs" ] || { echo "width $w: refs differ: $got" >&2; exit 1; }
    if [ $w -gt 0 ]; then
        long=$(awk -v w=$w 'length($0) > w && !/^(vmsim|references [0-9]+,) / { print; exit }' "$tmp/t")
        [ -z "$long" ] || { echo "width $w: line too long: $long" >&2; exit 1; }
        blocks=$(grep -c '^references [0-9]* to [0-9]*$' "$tmp/t")
        [ "$blocks" -gt 1 ] || { echo "width $w: $blocks blocks" >&2; exit 1; }
    else
        [ "$(grep -c '^ref ' "$tmp/t")" -eq 1 ] || { echo "width 0: not one block" >&2; exit 1; }
    fi
    # the state rows sit in every block: lru 1..4 once per block
    [ "$(grep -c '^lru 4 ' "$tmp/t")" -eq "$(grep -c '^ref ' "$tmp/t")" ] ||
        { echo "width $w: state rows missing from a block" >&2; exit 1; }
done
exit 0
