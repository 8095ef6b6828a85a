#!/bin/sh
# RSS and PSS against Linux itself: tests/tools/smapshare makes on the host kernel the
# accesses of tests/data/residency.vms (two processes sharing 4 file pages, 2 private pages
# each, a read of the zero page) and reads each process's Rss and Pss of those areas from
# /proc/self/smaps. The scenario's `stats` (the total: the sums of the processes') must
# show the sums Linux reports, before and after the child exits; and Linux must report the
# values docs/statistics.md computes by hand (24 KiB and 16 KiB each).
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
sim() { awk -v k="memory.$1" -v n="$2" '$1 == k && ++c == n { print $2 }' "$tmp/sim"; }
[ "$(sim rss 1)" = "$(($(val P rss) + $(val Q rss)))" ] || bad "rss: vmsim $(sim rss 1), Linux P + Q $(val P rss) + $(val Q rss)"
[ "$(sim pss 1)" = "$(($(val P pss) + $(val Q pss)))" ] || bad "pss: vmsim $(sim pss 1), Linux P + Q $(val P pss) + $(val Q pss)"
[ "$(sim rss 2)" = "$(val P-after rss)" ] || bad "rss after Q's exit: vmsim $(sim rss 2), Linux $(val P-after rss)"
[ "$(sim pss 2)" = "$(val P-after pss)" ] || bad "pss after Q's exit: vmsim $(sim pss 2), Linux $(val P-after pss)"
exit $fail
