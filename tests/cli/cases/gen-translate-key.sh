#!/bin/sh
# 1,000 generated translate problems per preset (100 seeds x 10 VAs): the state lines of
# the answer sheet are a state file, and `vmsim translate --state` on it answers every VA
# exactly as gen's JSON key says (the "answer" objects), and as its text key says (every
# field converted from the translator's JSON independently, here in awk).
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
for m in csapp-small csapp-2level core-i7; do
    n=0
    seed=1
    while [ $seed -le 100 ]; do
        "$VMSIM" gen translate --seed $seed --machine $m --count 10 --answers >"$tmp/key" ||
            { echo "$m seed $seed: gen failed" >&2; exit 1; }
        "$VMSIM" gen translate --seed $seed --machine $m --count 10 --answers --format json \
            >"$tmp/key.json" || { echo "$m seed $seed: gen --format json failed" >&2; exit 1; }
        sed -n 's/^state //p' "$tmp/key" >"$tmp/st"
        vas=$(awk '$1 == "problem" && $3 == "va" { print $4 }' "$tmp/key")
        # shellcheck disable=SC2086
        "$VMSIM" translate --json --state "$tmp/st" $vas | tail -n +2 >"$tmp/tr" ||
            { echo "$m seed $seed: translate failed" >&2; exit 1; }
        awk -v who="$m seed $seed" '
            function hex(s,   v, i, c) {
                if (s == "-") return "-"
                sub(/^0x/, "", s); v = 0
                for (i = 1; i <= length(s); i++) {
                    c = index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1
                    if (c < 0) return "bad"
                    v = v * 16 + c
                }
                return sprintf("%.0f", v)
            }
            function val(line, k,   r) {
                if (!match(line, "\"" k "\":[^,}]*")) return "missing"
                r = substr(line, RSTART + length(k) + 3, RLENGTH - length(k) - 3)
                return r == "null" ? "-" : r == "true" ? "Y" : r == "false" ? "N" : r
            }
            FILENAME == ARGV[1] { tr[++ntr] = $0; next }
            FILENAME == ARGV[2] { json = $0; next }
            $1 == "problem" && $3 != "va" { key[$2, $3] = $4; np = $2 }
            END {
                if (np != ntr || ntr != 10) { print who ": " np " keys, " ntr " translations"; exit 1 }
                split("vpn tlbi tlbt tlb_hit page_fault ppn pa co ci ct cache_hit byte", f, " ")
                split("vpn tlb_index tlb_tag tlb_hit page_fault ppn pa cache_offset cache_index cache_tag cache_hit byte", j, " ")
                at = 1
                for (i = 1; i <= ntr; i++) {
                    p = index(substr(json, at), "\"answer\":" tr[i] "}")
                    if (!p) { print who ": problem " i ": the JSON answer is not translate --json: " tr[i]; exit 1 }
                    at += p
                    for (k = 1; k <= 12; k++) {
                        want = val(tr[i], j[k]); got = key[i, f[k]]
                        if (f[k] != "tlb_hit" && f[k] != "page_fault" && f[k] != "cache_hit") got = hex(got)
                        if (got != want) { print who ": problem " i " " f[k] ": key " key[i, f[k]] ", translator " want; exit 1 }
                    }
                }
            }' "$tmp/tr" "$tmp/key.json" "$tmp/key" || fail=1
        n=$((n + 10))
        seed=$((seed + 1))
    done
    [ $n -eq 1000 ] || { echo "$m: $n problems" >&2; fail=1; }
done
exit $fail
