#!/bin/sh
# mrc on a trace agrees with `vmsim pages` run size by size on the same page touches,
# written out by awk as a reference string (every spanned page; M: a load, then a store).
trace=tests/data/trace/mrc.lackey
sizes="1 2 3 4 5 8 13 21 34 55 89 90"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
awk '
function hex(h,  i, v) {
    v = 0; h = tolower(h)
    for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
    return v
}
/^I  / || /^ [LSM] / {
    split($2, a, ","); v = hex(a[1]); sz = a[2] + 0; if (sz == 0) sz = 1
    first = int(v / 4096); last = int((v + sz - 1) / 4096)
    for (pass = 0; pass < ($1 == "M" ? 2 : 1); pass++)
        for (p = first; p <= last; p++) printf "%.0f%s\n", p, ($1 == "S" || pass == 1) ? "w" : ""
}' "$trace" >"$tmp/refs" || exit 1
[ "$(wc -l <"$tmp/refs")" -eq 1841 ] || { echo "expected 1841 page touches" >&2; exit 1; }
list=$(echo $sizes | tr ' ' ,)
"$VMSIM" mrc --policy lru,fifo,clock,eclock,clock-pro,lirs,arc,opt --sizes "$list" --csv "$trace" >"$tmp/mrc" || exit 1
for p in lru fifo clock eclock clock-pro lirs arc opt; do
    for n in $sizes; do
        want=$("$VMSIM" pages --frames $n --policy $p --file "$tmp/refs" | awk '/^references/ { sub(",", "", $4); print $4 }')
        got=$(awk -F, -v p=$p -v n=$n '$1 == p && $2 == n { print $3 }' "$tmp/mrc")
        [ -n "$want" ] && [ "$want" = "$got" ] || { echo "$p at $n frames: pages $want, mrc $got" >&2; exit 1; }
    done
done
