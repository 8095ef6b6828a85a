#!/bin/sh
# The demonstration as a student meets it: every command of its script is echoed ("> ...")
# in order before its output; part 1 shows the copy-on-write frames (after the fork the
# parent's and the child's PTE for buf name one frame, read-only; after the child's store
# the child's names another, writable and dirty, the parent's still the first); and the
# closing thrashing line is a note about a complete run, not a warning or an error.
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
"$VMSIM" run --print-demo >"$t/demo.vms" || exit 1
"$VMSIM" run >"$t/out" 2>"$t/err"; rc=$?
[ $rc -eq 0 ] || { echo "vmsim run: exit status $rc" >&2; cat "$t/err" >&2; exit 1; }
# the commands of the script, without comments and blanks, against the echoed lines
sed -e 's/#.*//' -e 's/^[ 	]*//' -e 's/[ 	]*$//' -e '/^$/d' -e 's/^/> /' "$t/demo.vms" >"$t/want"
grep '^> ' "$t/out" >"$t/got"
cmp -s "$t/want" "$t/got" || { echo "echoed commands differ from the script:" >&2; diff "$t/want" "$t/got" >&2; exit 1; }
# each echo comes right before its command's own output line
grep -A1 -x '> fork parent child' "$t/out" | tail -n 1 | grep -q '^$' ||
    { echo "fork's echo is not followed by the next part's narration" >&2; exit 1; }
grep -A1 -x '> child load buf 8' "$t/out" | grep -qx 'child load buf 8 = 0x1111' ||
    { echo "the child's first load does not follow its echo" >&2; exit 1; }
# the L4 PTE (the page's) of each walk in part 1, in order: "R/W PFN"
awk '/^# 1\./ { on = 1 } /^# 2\./ { on = 0 }
     on && /^    L4 / { rw = $0; sub(/.*R\/W=/, "", rw); sub(/ .*/, "", rw)
                        pfn = $0; sub(/.*PFN=/, "", pfn); print rw, pfn }' "$t/out" >"$t/l4"
[ "$(wc -l <"$t/l4")" -eq 4 ] || { echo "part 1 has $(wc -l <"$t/l4") walks, expected 4" >&2; cat "$t/out" >&2; exit 1; }
{ read -r prw ppfn; read -r crw cpfn; read -r c2rw c2pfn; read -r p2rw p2pfn; } <"$t/l4"
[ "$ppfn" = "$cpfn" ] || { echo "after fork: parent PFN $ppfn, child PFN $cpfn (one frame expected)" >&2; exit 1; }
[ "$prw$crw" = 00 ] || { echo "after fork: R/W=$prw (parent), $crw (child), expected 0 and 0" >&2; exit 1; }
[ "$c2pfn" != "$cpfn" ] || { echo "the child's store did not copy the frame ($c2pfn)" >&2; exit 1; }
[ "$c2rw" = 1 ] || { echo "the child's copy is not writable" >&2; exit 1; }
grep -A8 -x '> child store buf 8 0x2222' "$t/out" | grep '^    L4 ' | grep -q ' D=1 ' ||
    { echo "the child's copy is not dirty" >&2; exit 1; }
[ "$p2pfn" = "$ppfn" ] || { echo "the parent's PFN changed: $ppfn -> $p2pfn" >&2; exit 1; }
# the narration explains the frames before they are shown
grep -q '^# After the fork, both page tables map buf to the same physical frame' "$t/out" ||
    { echo "no narration of the shared frame" >&2; exit 1; }
# the closing line: a note that says the run is complete
[ "$(wc -l <"$t/err")" -eq 1 ] || { echo "stderr has more than the thrashing note:" >&2; cat "$t/err" >&2; exit 1; }
grep -q '^vmsim run: note: thrashing: .*(the run is complete and its results are correct' "$t/err" ||
    { echo "no thrashing note:" >&2; cat "$t/err" >&2; exit 1; }
grep -qi 'warning\|error' "$t/err" && { echo "the note reads as a warning:" >&2; cat "$t/err" >&2; exit 1; }
grep -q 'not an error' "$t/out" || { echo "the narration does not announce the note" >&2; exit 1; }
exit 0
