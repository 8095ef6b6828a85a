# Per-process statistics add up to the totals, key by key (CSV: the total row, then one row
# per process), for three processes on a small memory with swapping and time slices. Not
# amat, nor the machine's residency (memory.resident, .shared, .page_cache: a snapshot of
# the machine, docs/statistics.md "Residency"); memory.rss and memory.pss do add up.
d=tests/data/trace
"$VMSIM" trace --csv --memory 48K --swap 1M --quantum 37 $d/small.lackey $d/pages.lackey \
    $d/small.din > "${TMPDIR:-/tmp}/sums.$$" || exit 1
# the total row's trace and input fields list the files, quoted: replace them before
# splitting at commas
sed 's/"[^"]*"/all/g' "${TMPDIR:-/tmp}/sums.$$" | awk -F, 'NR == 1 { for (i = 3; i <= NF; i++) { name[i] = $i; if ($i == "references") first = i }; next }
    NR == 2 { for (i = 3; i <= NF; i++) total[i] = $i; next }
    { for (i = 3; i <= NF; i++) sum[i] += $i; rows++ }
    END {
        if (rows != 3) { print "expected 3 process rows, got " rows; bad = 1 }
        if (!first) { print "no references column"; bad = 1 }
        for (i = first; i <= NF; i++)
            if (name[i] != "amat" && name[i] != "memory.resident" && name[i] != "memory.shared" &&
                name[i] != "memory.page_cache" && sum[i] != total[i]) { print name[i] ": " sum[i] " != " total[i]; bad = 1 }
        exit bad
    }' >&2
rc=$?
rm -f "${TMPDIR:-/tmp}/sums.$$"
exit $rc
