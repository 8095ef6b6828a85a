#!/bin/sh
# A trace with OS events replays identically (docs/trace.md, "OS events") from its lackey
# text, its vmsim binary (both read by a reader thread) and a gzip-compressed copy of the
# text (decompressed by a thread, parsed in the simulating thread): every statistic, the
# maps at exit and the replay's notes agree; only the provenance line differs.
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
src=tests/data/replay/events.lackey
"$VMSIM" trace --convert vmsim -o "$t/ev.vt" "$src" || exit 1
gzip -c "$src" > "$t/ev.lackey.gz" || exit 1
for f in "$src" "$t/ev.vt" "$t/ev.lackey.gz"; do
    "$VMSIM" trace --maps --json "$f" >"$t/json" 2>/dev/null || exit 1
    "$VMSIM" trace --maps "$f" >"$t/out" 2>"$t/err" || exit 1
    # the trace's name leads the maps header and the notes
    sed -e "s|^$f: |T: |" -e '/^vmsim [0-9]/d' "$t/out" >"$t/out.$(basename "$f")"
    sed -e "s|^vmsim trace: $f: |T: |" "$t/err" >"$t/err.$(basename "$f")"
    grep -q '"os_events_replayed":14' "$t/json" || { echo "$f: no os_events_replayed in JSON" >&2; cat "$t/json" >&2; exit 1; }
done
for f in ev.vt ev.lackey.gz; do
    cmp "$t/out.events.lackey" "$t/out.$f" || { diff "$t/out.events.lackey" "$t/out.$f" >&2; exit 1; }
    cmp "$t/err.events.lackey" "$t/err.$f" || { diff "$t/err.events.lackey" "$t/err.$f" >&2; exit 1; }
done
grep -q '^faults.minor  *7$' "$t/out.ev.vt" || exit 1
grep -q "^T: event 11 (munmap, after record 8): munmap of" "$t/err.ev.vt" || { cat "$t/err.ev.vt" >&2; exit 1; }
exit 0
