#!/bin/sh
# gen run's keys against the judge: each generated story (fork-cow, shared, protection,
# swap; 6 seeds each) run on the host's Linux kernel (`vmsim run --on-linux` on the
# sheet's state lines) answers every question as the key says: the value a load reads, ok
# for a store, or the fault.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
[ "$(uname -s)" = Linux ] || { echo "gen-run-linux: not on Linux: skipped" >&2; exit 77; }
fail=0 n=0
for w in fork-cow shared protection swap; do
    for seed in 1 2 3 4 5 6; do
        "$VMSIM" gen run --seed $seed --want $w --count 6 --answers >"$tmp/key" ||
            { echo "$w $seed: gen failed" >&2; fail=1; continue; }
        sed -n 's/^state //p' "$tmp/key" >"$tmp/story.vms"
        "$VMSIM" run --on-linux "$tmp/story.vms" >"$tmp/linux" ||
            { echo "$w $seed: run --on-linux failed" >&2; fail=1; continue; }
        awk -v who="$w seed $seed" '
            FILENAME == ARGV[1] { out[++nout] = $0; next }
            $1 == "problem" && $3 == "question" { q[$2] = substr($0, index($0, " question ") + 10); next }
            $1 == "problem" && $3 == "answer" { a[$2] = substr($0, index($0, " answer ") + 8); np = $2 }
            END {
                at = 1
                for (i = 1; i <= np; i++) {
                    while (at <= nout && out[at] != q[i] && index(out[at], q[i] " = ") != 1) at++
                    if (at > nout) { print who ": question " i " (" q[i] ") not in the Linux output"; exit 1 }
                    got = out[at] == q[i] ? "ok" : substr(out[at], length(q[i]) + 4)
                    if (got != a[i]) { print who ": question " i " (" q[i] "): key " a[i] ", Linux " got; exit 1 }
                    at++
                }
                if (np != 6) { print who ": " np " questions"; exit 1 }
            }' "$tmp/linux" "$tmp/key" >&2 || fail=1
        n=$((n + 1))
    done
done
[ $n -eq 24 ] || fail=1
exit $fail
