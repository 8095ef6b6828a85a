#!/bin/sh
# vmsim merge keeps every row's provenance and refuses to join results of different
# vmsim versions unless --force-versions.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
d=tests/data/trace
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }
"$VMSIM" trace --params --memory 1M $d/small.lackey -o "$tmp/a.csv" || bad "run a"
"$VMSIM" trace --params --memory 2M $d/pages.lackey -o "$tmp/b.csv" || bad "run b"
hash=$("$(dirname "$VMSIM")/tools/inhash" < $d/pages.lackey) || bad "inhash (make check-build)"
"$VMSIM" merge "$tmp/a.csv" "$tmp/b.csv" > "$tmp/m.csv" || bad "merge"
head -1 "$tmp/m.csv" | grep -q '^machine,set,memory,swap,policy,quantum,trace,status,killed,vmsim.version,vmsim.build,run.machine,.*,input.hash,input.complete,references,' ||
    bad "merged header: $(head -1 "$tmp/m.csv" | cut -c1-200)"
grep -q "^core-i7,,2097152,0,clock,10000,$d/pages.lackey,ok,0,1.0.0,.*,$hash,true," "$tmp/m.csv" ||
    bad "the merged row lost its provenance"
# a result of another version
sed '2s/,1\.0\.0,/,0.9.1,/' "$tmp/b.csv" > "$tmp/old.csv"
"$VMSIM" merge "$tmp/a.csv" "$tmp/old.csv" > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc = 2 ] || bad "different versions: exit status $rc, expected 2"
[ -s "$tmp/out" ] && bad "different versions: something was written"
grep -q "old.csv:2: a result of vmsim 0.9.1, but .*a.csv:2 is of vmsim 1.0.0: .*--force-versions" "$tmp/err" ||
    bad "message: $(cat "$tmp/err")"
"$VMSIM" merge --force-versions "$tmp/a.csv" "$tmp/old.csv" > "$tmp/out" || bad "--force-versions"
[ "$(grep -cF ',0.9.1,' "$tmp/out")" = 1 ] && [ "$(grep -cF ',1.0.0,' "$tmp/out")" = 1 ] ||
    bad "--force-versions: rows"
# files without provenance (older results) are joined as before
"$VMSIM" merge "$tmp/a.csv" tests/data/merge/a.csv > /dev/null || bad "a file without provenance"
exit $fail
