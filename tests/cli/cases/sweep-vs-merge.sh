# vmsim sweep's CSV equals vmsim merge of the emitted jobs' result files, run one by one;
# machines of different shapes (csapp-2level has no L2 TLB, no L3 and no PSCs) share one
# column set.
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
t=tests/data/trace
set -- --machines core-i7,csapp-2level --memory 32K,1M --swap 1M --policy clock,fifo \
    --quantum 50 $t/small.lackey "$t/small.lackey,$t/pages.lackey"
"$VMSIM" sweep -j 2 -o "$d/sweep.csv" "$@" || exit 1
"$VMSIM" sweep --emit-jobs "$d/jobs" --vmsim "$VMSIM" "$@" > "$d/jobs.txt" || exit 1
[ "$(wc -l < "$d/jobs.txt")" -eq 16 ] || { echo "expected 16 jobs" >&2; exit 1; }
while IFS= read -r job; do sh -c "$job" || exit 1; done < "$d/jobs.txt"
"$VMSIM" merge -o "$d/merged.csv" "$d"/jobs/run-*.csv || exit 1
cmp "$d/sweep.csv" "$d/merged.csv" || { diff "$d/sweep.csv" "$d/merged.csv" | head >&2; exit 1; }
[ "$(wc -l < "$d/sweep.csv")" -eq 17 ] || { echo "expected a header and 16 rows" >&2; exit 1; }
head -1 "$d/sweep.csv" | grep -q '^machine,set,memory,swap,policy,quantum,trace,references,' ||
    { echo "header: $(head -1 "$d/sweep.csv")" >&2; exit 1; }
# standard output by default, the same table
"$VMSIM" sweep -j 1 "$@" | cmp -s - "$d/sweep.csv" || { echo "stdout differs" >&2; exit 1; }
