#!/bin/sh
# The LRU curve of a lackey trace equals an independent computation: awk expands every
# record into the pages it spans (an M record: loads, then stores) and counts LRU stack
# distances on a plain list; for 4 KiB pages, 64-byte pages and a machine's page size.
trace=tests/data/trace/mrc.lackey
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
lru_awk='
function hex(h,  i, v) {
    v = 0; h = tolower(h)
    for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
    return v
}
function touch(p,  i, d) {
    d = 0
    for (i = 1; i <= n; i++) if (st[i] == p) { d = i; break }
    if (d == 0) { cold++; n++; d = n } else hist[d]++
    for (i = d; i > 1; i--) st[i] = st[i - 1]
    st[1] = p
}
/^I  / || /^ [LSM] / {
    split($2, a, ","); v = hex(a[1]); sz = a[2] + 0; if (sz == 0) sz = 1
    first = int(v / ps); last = int((v + sz - 1) / ps)
    for (pass = 0; pass < ($1 == "M" ? 2 : 1); pass++)
        for (p = first; p <= last; p++) touch(p)
}
END { for (c = 1; c <= n; c++) { f = cold; for (d = c + 1; d <= n; d++) f += hist[d]; printf "lru,%d,%d\n", c, f } }'
for ps in 4096 64; do
    awk -v ps=$ps "$lru_awk" "$trace" >"$tmp/want" || exit 1
    "$VMSIM" mrc --policy lru --csv --page-size $ps "$trace" | tail -n +2 | cut -d, -f1-3 >"$tmp/got" || exit 1
    [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got" || { echo "page size $ps: curves differ" >&2; diff "$tmp/want" "$tmp/got" | head >&2; exit 1; }
done
# csapp-small has 64-byte pages, core-i7 4 KiB ones.
"$VMSIM" mrc --policy lru --csv --machine csapp-small "$trace" | tail -n +2 | cut -d, -f1-3 | cmp -s - "$tmp/want" || { echo "--machine csapp-small differs from 64-byte pages" >&2; exit 1; }
awk -v ps=4096 "$lru_awk" "$trace" >"$tmp/want4k"
"$VMSIM" mrc --policy lru --csv --machine core-i7 "$trace" | tail -n +2 | cut -d, -f1-3 | cmp -s - "$tmp/want4k" || { echo "--machine core-i7 differs from 4 KiB pages" >&2; exit 1; }
"$VMSIM" mrc --policy lru --csv --page-size 4K "$trace" | tail -n +2 | cut -d, -f1-3 | cmp -s - "$tmp/want4k" || { echo "--page-size 4K differs" >&2; exit 1; }
