#!/bin/sh
# Every --want scenario takes its path: the generated VAs, translated by
# `vmsim translate --state` on the generated state, hit or miss the TLB, fault (at an upper
# level for pde-fault) and hit or miss the cache as asked, on each preset and many seeds.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
# check FILE SCENARIO: every translation in FILE is on SCENARIO's path.
check() {
    awk -v want="$2" -v who="$3" '
        function has(k, v) { return index($0, "\"" k "\":" v) > 0 }
        {
            n = split(want, w, "+")
            for (i = 1; i <= n; i++) {
                ok = w[i] == "random" ||
                     (w[i] == "tlb-hit" && has("tlb_hit", "true") && has("page_fault", "false")) ||
                     (w[i] == "tlb-miss" && has("tlb_hit", "false") && has("tlb_level", "null")) ||
                     (w[i] == "page-fault" && has("page_fault", "true") && has("pa", "null")) ||
                     (w[i] == "pde-fault" && has("page_fault", "true") && has("fault", "\"not_present\"") &&
                      !has("fault_level", levels)) ||
                     (w[i] == "no-fault" && has("page_fault", "false")) ||
                     (w[i] == "cache-hit" && has("cache_hit", "true") && !has("byte", "null")) ||
                     (w[i] == "cache-miss" && has("cache_hit", "false") && !has("byte", "null"))
                if (!ok) { print who ": not " w[i] ": " $0; bad = 1 }
            }
        }
        END { exit bad }' levels="$4" "$1"
}
for m in csapp-small:1 csapp-2level:2 core-i7:4; do
    levels=${m#*:}; m=${m%:*}
    wants="tlb-hit tlb-miss page-fault no-fault cache-hit cache-miss tlb-hit+cache-hit
           tlb-hit+cache-miss tlb-miss+cache-hit tlb-miss+cache-miss tlb-miss+no-fault random"
    [ "$levels" -gt 1 ] && wants="$wants pde-fault"
    for w in $wants; do
        for seed in 1 2 3 4 5; do
            "$VMSIM" gen translate --seed $seed --machine $m --want "$w" --count 8 --answers \
                >"$tmp/key" || { echo "$m $w $seed: gen failed" >&2; fail=1; continue; }
            sed -n 's/^state //p' "$tmp/key" >"$tmp/st"
            vas=$(awk '$1 == "problem" && $3 == "va" { print $4 }' "$tmp/key")
            # shellcheck disable=SC2086
            "$VMSIM" translate --json --state "$tmp/st" $vas | tail -n +2 >"$tmp/tr" || fail=1
            [ "$(wc -l <"$tmp/tr")" -eq 8 ] || { echo "$m $w $seed: not 8 translations" >&2; fail=1; }
            check "$tmp/tr" "$w" "$m seed $seed --want $w" "$levels" >&2 || fail=1
        done
    done
    # A list: problem i takes the i-th scenario, cyclically.
    "$VMSIM" gen translate --seed 9 --machine $m --want tlb-hit,page-fault,cache-miss --count 6 \
        --answers >"$tmp/key" || fail=1
    sed -n 's/^state //p' "$tmp/key" >"$tmp/st"
    vas=$(awk '$1 == "problem" && $3 == "va" { print $4 }' "$tmp/key")
    # shellcheck disable=SC2086
    "$VMSIM" translate --json --state "$tmp/st" $vas | tail -n +2 >"$tmp/tr" || fail=1
    i=0
    for w in tlb-hit page-fault cache-miss tlb-hit page-fault cache-miss; do
        i=$((i + 1))
        sed -n "${i}p" "$tmp/tr" >"$tmp/one"
        check "$tmp/one" "$w" "$m list, problem $i" "$levels" >&2 || fail=1
    done
done
exit $fail
