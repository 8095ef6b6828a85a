#!/bin/sh
# RSS and PSS against Linux itself: tests/tools/smapshare makes on the host kernel the
# accesses of tests/data/residency.vms (two processes sharing 4 file pages, 2 private pages
# each, a read of the zero page) and reads each process's Rss and Pss of those areas from
# /proc/self/smaps. The scenario's `P stats` and `Q stats` must show Linux's values, its
# `stats` (the total) their sums, before and after the child exits; and Linux must report
# the values docs/statistics.md computes by hand (24 KiB and 16 KiB each).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
tool=$(dirname "$VMSIM")/tools/smapshare
[ -x "$tool" ] || { echo "FAIL: $tool missing (make check-build)" >&2; exit 1; }
"$tool" "$tmp" > "$tmp/linux"; rc=$?
if [ $rc = 77 ]; then echo "skipped: no /proc/self/smaps on this host" >&2; exit 77; fi
[ $rc = 0 ] || { bad "smapshare: exit status $rc"; cat "$tmp/linux" >&2; exit 1; }
val() { awk -v w="$1" -v k="$2" '$1 == w { for (i = 2; i < NF; i++) if ($i == k) print $(i + 1) }' "$tmp/linux"; }
[ "$(val P rss) $(val P pss) $(val Q rss) $(val Q pss)" = "24576 16384 24576 16384" ] ||
    bad "Linux: $(tr '\n' ';' < "$tmp/linux"), expected Rss 24 KiB and Pss 16 KiB each"
"$VMSIM" run tests/data/residency.vms > "$tmp/sim" || bad "vmsim run: exit status $?"
# memory.rss and memory.pss in the order residency.vms prints them: P stats, Q stats, stats,
# then after Q's exit P stats, stats
sim() { awk -v k="memory.$1" -v n="$2" '$1 == k && ++c == n { print $2 }' "$tmp/sim"; }
for key in rss pss; do
    [ "$(sim $key 1)" = "$(val P $key)" ] || bad "P $key: vmsim $(sim $key 1), Linux $(val P $key)"
    [ "$(sim $key 2)" = "$(val Q $key)" ] || bad "Q $key: vmsim $(sim $key 2), Linux $(val Q $key)"
    [ "$(sim $key 3)" = "$(($(val P $key) + $(val Q $key)))" ] ||
        bad "total $key: vmsim $(sim $key 3), Linux P + Q $(val P $key) + $(val Q $key)"
    [ "$(sim $key 4)" = "$(val P-after $key)" ] ||
        bad "P $key after Q's exit: vmsim $(sim $key 4), Linux $(val P-after $key)"
    [ "$(sim $key 5)" = "$(val P-after $key)" ] ||
        bad "total $key after Q's exit: vmsim $(sim $key 5), Linux $(val P-after $key)"
done
exit $fail
