#!/bin/sh
# An empty input is a warning and a marked result, as trace treats it (docs/statistics.md,
# "Status"): exit status 1, one line on stderr, status "empty" in text, JSON and CSV with
# the provenance, no curve, and no plot file left behind.
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
: > "$t/empty.lackey"
: > "$t/empty.txt"
build=$("$VMSIM" --version | sed 's/.*(\(.*\))/\1/')
hash=$("$(dirname "$VMSIM")/tools/inhash" < "$t/empty.lackey") || bad "inhash"

"$VMSIM" mrc --policy lru,fifo "$t/empty.lackey" > "$t/out" 2> "$t/err"; rc=$?
[ $rc = 1 ] || bad "text: exit status $rc, expected 1"
[ "$(cat "$t/err")" = "vmsim mrc: $t/empty.lackey: warning: empty trace (no records)" ] || bad "text: stderr: $(cat "$t/err")"
printf '%s\n' "vmsim 1.0.0 ($build): mrc policies lru,fifo, page size 4096 bytes, sizes all, seed 0, tau 0, bits 0, tick 0; $t/empty.lackey 0 bytes hash $hash" \
    "status: empty" "trace $t/empty.lackey (lackey, none): 0 records (I 0, L 0, S 0, M 0), pages of 4096 bytes" \
    "0 references, footprint 0 pages: no curve" > "$t/want"
cmp -s "$t/want" "$t/out" || { bad "text output"; diff "$t/want" "$t/out" >&2; }

"$VMSIM" mrc --json "$t/empty.lackey" > "$t/j" 2> /dev/null; rc=$?
[ $rc = 1 ] || bad "json: exit status $rc"
grep -q "^{\"vmsim\":{\"version\":\"1.0.0\",\"build\":\"$build\"},\"run\":{\"policies\":\"lru\",.*\"inputs\":\[{\"path\":\"$t/empty.lackey\",\"format\":\"lackey\",\"compression\":\"none\",\"bytes\":0,\"hash\":\"$hash\",\"complete\":true}\],\"status\":\"empty\",\"references\": 0, \"footprint\": 0, \"curves\": \[\]}\$" "$t/j" ||
    bad "json: $(cat "$t/j")"
if command -v python3 > /dev/null; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["status"]=="empty" and d["curves"]==[]' "$t/j" || bad "json does not parse"
fi

"$VMSIM" mrc --csv --policy lru,opt "$t/empty.lackey" > "$t/c" 2> /dev/null; rc=$?
[ $rc = 1 ] || bad "csv: exit status $rc"
[ "$(wc -l < "$t/c")" = 3 ] || bad "csv: $(wc -l < "$t/c") lines, expected the header and 2 rows"
head -1 "$t/c" | grep -q '^policy,frames,faults,miss_ratio,status,vmsim.version,' || bad "csv header"
sed -n 2p "$t/c" | grep -q "^lru,,0,,empty,1.0.0,.*,$t/empty.lackey,lackey,none,0,$hash,true\$" || bad "csv lru row: $(sed -n 2p "$t/c")"
sed -n 3p "$t/c" | grep -q "^opt,,0,,empty," || bad "csv opt row"

# a reference string, with a plot asked for: no plot file is left
"$VMSIM" mrc --file "$t/empty.txt" --svg "$t/m.svg" > "$t/out" 2> "$t/err"; rc=$?
[ $rc = 1 ] || bad "--file: exit status $rc"
[ "$(cat "$t/err")" = "vmsim mrc: $t/empty.txt: warning: empty reference string (no references); no plot drawn" ] || bad "--file: stderr: $(cat "$t/err")"
sed -n 2p "$t/out" | grep -qx 'status: empty' || bad "--file: no status line"
[ ! -e "$t/m.svg" ] || bad "an empty plot file was left"

# skipped lines and nothing else: both marks
printf 'zz\n' > "$t/bad.lackey"
"$VMSIM" mrc --skip-bad --csv "$t/bad.lackey" > "$t/c" 2> "$t/err"; rc=$?
[ $rc = 1 ] || bad "skipped+empty: exit status $rc"
sed -n 2p "$t/c" | grep -q '^lru,,0,,skipped+empty,' || bad "skipped+empty: $(sed -n 2p "$t/c")"
[ "$(wc -l < "$t/err")" = 2 ] || bad "skipped+empty: stderr: $(cat "$t/err")"

# a trace that is not empty is still ok (exit 0)
"$VMSIM" mrc tests/data/trace/small.lackey > /dev/null || bad "a real trace exits $?"
exit $fail
