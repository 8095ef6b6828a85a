# A trace process that has run its whole trace exits (docs/trace.md): its frames go to the
# processes still running. In 16 frames, process 1 stores to 10 pages and ends, then
# process 2 stores to 12 other pages and reads them again: 22 pages, so process 2 runs only
# on frames process 1 gave back. Nobody is killed by the out-of-memory killer (which would
# otherwise end process 1 and say "the rest of its trace was not run"), and with swap
# nothing is swapped out: all of it with whole slices and with 5-reference slices.
t=${TMPDIR:-/tmp}/finished.$$
mkdir "$t" || exit 1
trap 'rm -rf "$t"' EXIT
i=0
while [ $i -lt 10 ]; do printf ' S %x,8\n' $((0x10000000 + i * 4096)); i=$((i + 1)); done > "$t/a.lackey"
i=0
while [ $i -lt 12 ]; do printf ' S %x,8\n' $((0x20000000 + i * 4096)); i=$((i + 1)); done > "$t/b.lackey"
i=0
while [ $i -lt 12 ]; do printf ' L %x,8\n' $((0x20000000 + i * 4096)); i=$((i + 1)); done >> "$t/b.lackey"
fail=0
# check NAME ARGS...: runs the two traces with ARGS and checks the CSV result
check() {
    name=$1
    shift
    "$VMSIM" trace --csv --memory 64K "$@" "$t/a.lackey" "$t/b.lackey" > "$t/out" 2> "$t/err"
    rc=$?
    [ $rc = 0 ] || { echo "$name: exit status $rc"; fail=1; }
    [ -s "$t/err" ] && { echo "$name: stderr:"; cat "$t/err"; fail=1; }
    # quoted fields (the total row's file list, the build) hold commas: blank them first
    sed 's/"[^"]*"/q/g' "$t/out" | awk -F, -v name="$name" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        { row[$1] = $0 }
        END {
            bad = 0
            want["total"] = 22; want["1"] = 10; want["2"] = 12
            for (r in want) {
                if (!(r in row)) { print name ": no row " r; bad = 1; continue }
                split(row[r], f, ",")
                if (f[col["status"]] != "ok" || f[col["killed"]] != 0) {
                    print name ": row " r ": status " f[col["status"]] ", killed " f[col["killed"]]; bad = 1
                }
                if (f[col["faults.minor"]] != want[r]) {
                    print name ": row " r ": faults.minor " f[col["faults.minor"]] ", want " want[r]; bad = 1
                }
                if (f[col["swap.outs"]] != 0 || f[col["faults.major"]] != 0) {
                    print name ": row " r ": swap.outs " f[col["swap.outs"]] ", faults.major " f[col["faults.major"]]; bad = 1
                }
            }
            split(row["2"], f, ",")
            if (f[col["references"]] != 24) { print name ": process 2 ran " f[col["references"]] " references"; bad = 1 }
            exit bad
        }' || fail=1
}
check noswap
check swap --swap 1M
check slices --swap 1M --quantum 5
check slices-noswap --quantum 5
exit $fail
