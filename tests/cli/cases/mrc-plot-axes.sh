#!/bin/sh
# mrc plots: logarithmic axes where the data span more than two decades (decade ticks),
# --logx/--logy/--linx/--liny to choose, a title and a subtitle naming the input, the page
# size and the machine, a marker and a dash pattern per curve, a legend entry per curve.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "$*" >&2; exit 1; }
has() { grep -q -- "$1" "$2" || fail "$2: expected $1"; }
# 300 pages twice: sizes 1..300 span more than two decades, so the frames axis is log.
seq 1 300 >"$tmp/refs"; seq 1 300 >>"$tmp/refs"
"$VMSIM" mrc --policy lru,fifo --svg "$tmp/a.svg" --file "$tmp/refs" >/dev/null || fail "mrc failed"
has 'data-x-scale="log"' "$tmp/a.svg"
has 'memory size (frames) (log scale)' "$tmp/a.svg"
for t in '>1<' '>10<' '>100<'; do has "text-anchor=\"middle\"$t" "$tmp/a.svg"; done
"$VMSIM" mrc --policy lru,fifo --linx --svg "$tmp/b.svg" --file "$tmp/refs" >/dev/null || fail "mrc --linx failed"
has 'data-x-scale="linear"' "$tmp/b.svg"
# mrc.lackey: 1..90 frames, miss ratios 0.05..0.4: both axes linear unless asked.
"$VMSIM" mrc --policy lru,opt,fifo --svg "$tmp/c.svg" tests/data/trace/mrc.lackey >/dev/null || fail "mrc failed"
has 'data-x-scale="linear" data-y-scale="linear"' "$tmp/c.svg"
"$VMSIM" mrc --policy lru,opt,fifo --logx --logy --title 'three policies' --svg "$tmp/d.svg" \
    tests/data/trace/mrc.lackey >/dev/null || fail "mrc --logx --logy failed"
has 'data-x-scale="log" data-y-scale="log"' "$tmp/d.svg"
has 'miss ratio (faults per reference) (log scale)' "$tmp/d.svg"
has '<text class="title"[^>]*>three policies</text>' "$tmp/d.svg"
has '<text class="subtitle"[^>]*>trace mrc.lackey, pages of 4 KiB, machine core-i7; 1841 references, 90 distinct pages</text>' "$tmp/d.svg"
# a marker shape and a dash pattern per curve, in the lines and in the legend
for m in circle square triangle; do
    [ "$(grep -c "xlink:href=\"#$m\"" "$tmp/d.svg")" -ge 3 ] || fail "expected markers #$m"
done
has 'stroke-dasharray="9 4"' "$tmp/d.svg"
has 'stroke-dasharray="2 3"' "$tmp/d.svg"
for p in lru opt fifo; do has "<text [^>]*>$p</text>" "$tmp/d.svg"; done
# the page size and machine come from --machine or --page-size
"$VMSIM" mrc --machine csapp-small --svg "$tmp/e.svg" tests/data/trace/mrc.lackey >/dev/null || fail "mrc --machine failed"
has 'trace mrc.lackey, pages of 64 bytes, machine csapp-small;' "$tmp/e.svg"
"$VMSIM" mrc --page-size 16K --svg "$tmp/f.svg" tests/data/trace/mrc.lackey >/dev/null || fail "mrc --page-size failed"
has 'trace mrc.lackey, pages of 16 KiB;' "$tmp/f.svg"
# equal curves (lru twice) stay visible: their markers sit at different points
"$VMSIM" mrc --policy lru,lru --svg "$tmp/g.svg" tests/data/trace/mrc.lackey >/dev/null || fail "mrc lru,lru failed"
grep 'xlink:href="#circle"' "$tmp/g.svg" | sed 's/.*x="\([^"]*\)".*/\1/' | sort >"$tmp/c1"
grep 'xlink:href="#square"' "$tmp/g.svg" | sed 's/.*x="\([^"]*\)".*/\1/' | sort >"$tmp/c2"
[ -n "$(comm -13 "$tmp/c1" "$tmp/c2")" ] || fail "markers of equal curves coincide"
exit 0
