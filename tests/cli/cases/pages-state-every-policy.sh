#!/bin/sh
# Every policy shows its state with --state: a "state:" note in the text (rows under the
# table, or the note saying it keeps none), and in JSON a state object in every step (checked
# with python3 when present). --belady agrees with `pages --frames K` run at each K.
refs="1 2w 3 4 1 2 5 1w 2 3 4 5 3 3 6 1 2"
policies=$("$VMSIM" pages --help | awk '/^policies/ { on = 1; next } on && /^  [a-z0-9-]+ / && $2 != "source:" { print $1 }')
[ "$(echo $policies | wc -w)" -ge 16 ] || { echo "found only: $policies" >&2; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for p in $policies; do
    if [ "$p" = ws ]; then size="--tau 3"; else size="--frames 3"; fi
    "$VMSIM" pages $size --policy $p --state $refs >"$tmp/text" || { echo "$p: --state failed" >&2; exit 1; }
    grep -q '^state: ' "$tmp/text" || { echo "$p: no state note" >&2; exit 1; }
    rows=$(awk '/^ref /{on=1} on && /^$/ {exit} on' "$tmp/text" | grep -cv '^\(ref\|frame [0-9]*\|fault\|evicted\|left ws\) ')
    [ "$p" = random ] || [ "$rows" -gt 0 ] || { echo "$p: no state rows" >&2; cat "$tmp/text" >&2; exit 1; }
    "$VMSIM" pages $size --policy $p --state --json $refs >"$tmp/json" || exit 1
    if command -v python3 >/dev/null 2>&1; then
        python3 - "$tmp/json" "$p" <<'PY' || exit 1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["policy"] == sys.argv[2] and len(d["steps"]) == 17, d
assert d["state_note"], "no note"
for s in d["steps"]:
    assert isinstance(s["state"], dict)
    if sys.argv[2] != "random":
        assert s["state"], "empty state at a step"
PY
    fi
    [ "$p" = ws ] && continue
    "$VMSIM" pages --belady --policy $p --seed 3 $refs >"$tmp/sweep" || exit 1
    for k in 1 2 3 4 5 6; do
        want=$("$VMSIM" pages --frames $k --policy $p --seed 3 $refs | awk '/^references/ { sub(",", "", $4); print $4 }')
        got=$(awk -v k=$k '$1 == k && NF >= 4 { print $2; exit }' "$tmp/sweep")
        [ -n "$want" ] && [ "$want" = "$got" ] || { echo "$p at $k frames: pages $want, --belady $got" >&2; exit 1; }
    done
done
exit 0
