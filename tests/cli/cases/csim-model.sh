#!/bin/sh
# vmsim csim against an independent LRU cache model written here in awk: random lackey
# traces (I lines, loads, stores, modifies; addresses below 2^32 so awk's doubles hold
# them exactly) over many (s, E, b); the -v lines, the summary line and .csim_results
# must all be the model's.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
fail=0
n=0 hit_runs=0 mixed_runs=0
for seed in 1 2 3 4 5 6; do
    awk -v seed=$seed 'BEGIN {
        srand(seed)
        span = (seed % 3 == 0) ? 65536 : (seed % 3 == 1 ? 1024 : 4294967295)
        for (i = 0; i < 600; i++) {
            r = rand()
            a = int(rand() * span)
            if (rand() < 0.3 && i > 0) a = prev + int(rand() * 64)   # some locality
            if (a > 4294967295) a = 4294967295
            prev = a
            sz = 1 + int(rand() * 8)
            if (r < 0.15) printf "I  %08x,%d\n", a, sz
            else if (r < 0.55) printf " L %08x,%d\n", a, sz
            else if (r < 0.8) printf " S %x,%d\n", a, sz
            else printf " M %08x,%d\n", a, sz
        }
    }' >"t$seed.trace"
    for g in "0 1 0" "0 1 4" "0 8 3" "1 1 1" "1 2 2" "2 1 4" "2 4 3" "3 2 5" "4 1 4" "4 2 4" \
             "5 1 5" "5 3 2" "6 2 6" "8 1 0" "3 16 1" "10 1 2" "0 64 4" "2 7 0"; do
        set -- $g
        "$VMSIM" csim -v -s $1 -E $2 -b $3 -t "t$seed.trace" >got || { echo "csim $g t$seed failed" >&2; fail=1; continue; }
        cp .csim_results got-results
        awk -v s=$1 -v E=$2 -v b=$3 '
        function hex(h,   i, v) {
            v = 0; h = tolower(h)
            for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
            return v
        }
        function access(a,   blk, set, tag, w, victim, oldest) {
            blk = int(a / 2 ^ b); set = blk % 2 ^ s; tag = int(blk / 2 ^ s); clock++
            for (w = 0; w < E; w++)
                if ((set, w) in used && tg[set, w] == tag) { used[set, w] = clock; hits++; line = line " hit"; return }
            misses++; line = line " miss"
            victim = -1
            for (w = 0; w < E; w++) if (!((set, w) in used)) { victim = w; break }
            if (victim < 0) {
                oldest = -1
                for (w = 0; w < E; w++) if (oldest < 0 || used[set, w] < oldest) { oldest = used[set, w]; victim = w }
                evictions++; line = line " eviction"
            }
            tg[set, victim] = tag; used[set, victim] = clock
        }
        $1 == "L" || $1 == "S" || $1 == "M" {
            split($2, f, ","); a = hex(f[1])
            line = sprintf("%s %x,%d", $1, a, f[2])
            access(a); if ($1 == "M") access(a)
            print line
        }
        END { printf "hits:%d misses:%d evictions:%d\n", hits, misses, evictions > "want-summary"
              printf "%d %d %d\n", hits, misses, evictions > "want-results" }' "t$seed.trace" >want
        cat want-summary >>want
        if ! cmp -s want got || ! cmp -s want-results got-results; then
            echo "csim -s $1 -E $2 -b $3 on trace $seed differs from the model:" >&2
            diff want got | head -5 >&2; diff want-results got-results >&2
            fail=1
        fi
        n=$((n + 1))
        read -r h m e <got-results
        [ "$h" -gt 0 ] && hit_runs=$((hit_runs + 1))
        [ "$e" -gt 0 ] && [ "$h" -gt 0 ] && [ "$e" -lt "$m" ] && mixed_runs=$((mixed_runs + 1))
    done
done
# the model and the traces are not degenerate: some runs hit, miss and evict
[ $n -eq 108 ] || { echo "ran $n comparisons" >&2; exit 1; }
[ $hit_runs -ge 80 ] && [ $mixed_runs -ge 50 ] ||
    { echo "degenerate traces: $hit_runs runs with hits, $mixed_runs with hits and some but not all misses evicting" >&2; exit 1; }
exit $fail
