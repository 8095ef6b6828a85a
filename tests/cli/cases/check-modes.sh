#!/bin/sh
# vmsim check on right, wrong and partial answers in each mode, for translate, pages and
# run exercises: the key scores full marks (exit 0); one wrong field costs one point per field,
# the rest of its problem through-first, its whole problem all-or-nothing (exit 1); the
# JSON report and Gradescope's results.json have their documented shape (python3; the
# shape check is skipped, saying so, without it).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
# score FILE SEED MODE: the "score S/M" line's S/M (and the exit status in $tmp/rc).
score() {
    "$VMSIM" check --seed "$2" --mode "$3" "$1" >"$tmp/report"; echo $? >"$tmp/rc"
    sed -n 's/^score //p' "$tmp/report"
}
expect() { # WHAT GOT WANT
    [ "$2" = "$3" ] || { echo "$1: got '$2', expected '$3'" >&2; fail=1; }
}
for kind in "translate --machine csapp-2level --count 5:60:12" "pages --count 10:20:2" \
            "run --want shared --count 4:4:1" "run --want swap --count 3:3:1"; do
    fields=${kind##*:}; kind=${kind%:*}; max=${kind##*:}; kind=${kind%:*}
    for seed in 3 77 18446744073709551615; do
        # shellcheck disable=SC2086
        "$VMSIM" gen $kind --seed $seed --answers >"$tmp/key" || { fail=1; continue; }
        for mode in per-field through-first all-or-nothing; do
            expect "$kind $seed $mode right" "$(score "$tmp/key" $seed $mode)" "$max/$max"
            expect "$kind $seed $mode right status" "$(cat "$tmp/rc")" 0
        done
        # Problem 2's second field (its first when it has one) wrong: another value of
        # the same type.
        k=2; [ $fields -eq 1 ] && k=1
        awk -v k=$k '$1 == "problem" && $2 == 2 && $3 != "va" && $3 != "ref" && $3 != "question" && !done {
                 n++; if (n == k) { done = 1
                     if ($4 == "Y") $4 = "N"; else if ($4 == "N") $4 = "Y"
                     else if ($4 ~ /^0x/) $4 = $4 "1"; else $4 = $4 ",9" } }
             { print }' "$tmp/key" >"$tmp/wrong"
        expect "$kind $seed per-field wrong" "$(score "$tmp/wrong" $seed per-field)" "$((max - 1))/$max"
        expect "$kind $seed wrong status" "$(cat "$tmp/rc")" 1
        expect "$kind $seed through-first wrong" "$(score "$tmp/wrong" $seed through-first)" \
            "$((max - fields + k - 1))/$max"
        expect "$kind $seed all-or-nothing wrong" "$(score "$tmp/wrong" $seed all-or-nothing)" \
            "$((max - fields))/$max"
        grep -q '^  hint' "$tmp/report" || { echo "$kind $seed: no hint for the wrong field" >&2; fail=1; }
        # Partial: the last problem's answers left as '?', the one before it missing.
        last=$(awk '$1 == "problem" { n = $2 } END { print n }' "$tmp/key")
        awk -v last=$last '$1 == "problem" && $2 == last && $3 !~ /^(va|ref|question)$/ { print $1, $2, $3, "?"; next }
                           $1 == "problem" && $2 == last - 1 && $3 !~ /^(va|ref|question)$/ { next }
                           { print }' "$tmp/key" >"$tmp/partial"
        for mode in per-field through-first all-or-nothing; do
            expect "$kind $seed $mode partial" "$(score "$tmp/partial" $seed $mode)" \
                "$((max - 2 * fields))/$max"
        done
    done
done
# The JSON report and the Gradescope file.
"$VMSIM" gen translate --seed 5 --count 3 --answers >"$tmp/key" || fail=1
sed 's/^problem 1 ppn .*/problem 1 ppn 0x0/' "$tmp/key" >"$tmp/wrong"
"$VMSIM" check --seed 5 --json --gradescope "$tmp/results.json" "$tmp/wrong" >"$tmp/report.json"
expect "json status" $? 1
if command -v python3 >/dev/null 2>&1; then
    python3 - "$tmp/report.json" "$tmp/results.json" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
g = json.load(open(sys.argv[2]))
assert r["kind"] == "translate" and r["seed"] == 5 and r["mode"] == "per-field", r
assert (r["score"], r["max_score"]) == (35, 36), r
assert [p["problem"] for p in r["problems"]] == [1, 2, 3]
for p in r["problems"]:
    assert [f["field"] for f in p["fields"]] == "vpn tlbi tlbt tlb_hit page_fault ppn pa co ci ct cache_hit byte".split()
    assert all(f["result"] in ("right", "wrong", "unanswered", "not graded") for f in p["fields"])
wrong = [f for f in r["problems"][0]["fields"] if f["result"] == "wrong"]
assert [f["field"] for f in wrong] == ["ppn"], wrong
assert r["problems"][0]["hint"].startswith("the PPN is in the TLB entry")
assert r["problems"][1]["hint"] is None
# Gradescope's results.json: score, max_score, tests[] with name, score, max_score, output
assert set(g) >= {"score", "max_score", "tests"}, g.keys()
assert (g["score"], g["max_score"]) == (35, 36)
assert len(g["tests"]) == 3
for t in g["tests"]:
    assert set(t) == {"name", "score", "max_score", "output"}, t
    assert isinstance(t["name"], str) and isinstance(t["output"], str)
    assert isinstance(t["score"], (int, float)) and t["max_score"] == 12
assert sum(t["score"] for t in g["tests"]) == g["score"]
assert "hint (PPN)" in g["tests"][0]["output"]
PY
else
    echo "check-modes: python3 not found: the JSON shapes were not checked" >&2
fi
exit $fail
