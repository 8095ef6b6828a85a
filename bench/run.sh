#!/bin/sh
# Runs every benchmark program built under BUILD_DIR/bench/ (measured, never pass/fail),
# then the large-footprint traces that bench/gen_large makes (docs/performance.md), then
# the record timings (vmsim record against cachegrind and lackey), then the trace
# measurements on the traces in bench/traces (or $VMSIM_TRACES; the sort trace
# is made first when missing and Valgrind is installed: bench/traces/README.md),
# decompressed once into a temporary directory; skipped with a message when absent.
# Usage: bench/run.sh BUILD_DIR
out=$1
for b in "$out"/bench/*; do
    [ -x "$b" ] || continue
    case $(basename "$b") in trace_parse | tracesim | gen_large | ceiling) continue ;; esac # given files below
    echo "== $(basename "$b")"
    "$b" || echo "bench: $(basename "$b") exited with status $?"
done

vmsim=$out/vmsim
now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.3f", e - s }'; } # START END
less() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; } # of stdin
machine() {
    echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs," \
         "load average $(cut -d' ' -f1 /proc/loadavg)"
}

# The large-footprint traces of issue 13 (bench/gen_large.c), made here in the vmsim binary
# format: VMSIM_LARGE_SCALE=PERCENT scales their length (default 100), VMSIM_LARGE_RUNS the
# runs of each measurement (default 3; the median of whole-process wall-clock times).
large=$(mktemp -d)
trap 'rm -rf "$large"' EXIT
scale=${VMSIM_LARGE_SCALE:-100}
lruns=${VMSIM_LARGE_RUNS:-3}
machine
for shape in random graph; do
    s=$(now)
    "$out/bench/gen_large" --scale "$scale" "$shape" "$large/$shape.vt" || continue
    echo "   (generated in $(elapsed "$s" "$(now)") s)"
    echo "== $shape: vmsim trace, core-i7, median of $lruns whole-process runs"
    for opts in "--memory 2G" "--memory 256M --swap 2G"; do
        : > "$large/times"
        for i in $(seq "$lruns"); do
            # shellcheck disable=SC2086 # opts is a list of options
            s=$(now); "$vmsim" trace --no-progress $opts "$large/$shape.vt" > "$large/out"; e=$(now)
            elapsed "$s" "$e" >> "$large/times"; echo >> "$large/times"
        done
        t=$(median < "$large/times")
        refs=$(awk '$1 == "references" { print $2 }' "$large/out")
        swapins=$(awk '$1 == "swap.ins" { print $2 }' "$large/out")
        walks=$(awk '$1 == "walks.count" { print $2 }' "$large/out")
        printf '%-7s %-24s %s refs, %s walks, %s swap-ins: %.2f s, %.1f M refs/s\n' "$shape" \
            "$opts" "$refs" "$walks" "$swapins" "$t" "$(awk -v r="$refs" -v t="$t" 'BEGIN { print r / t / 1e6 }')"
    done
    "$out/bench/ceiling" "$lruns" "$large/$shape.vt" || echo "bench: ceiling exited with status $?"
    rm -f "$large/$shape.vt"
done

# Recording (issue 13 item 3; docs/record.md): whole-process wall-clock medians of
# `valgrind --tool=none`, `cachegrind --cache-sim=yes`, `lackey --trace-mem=yes
# --log-file=/dev/null`, `vmsim record` (vmsimrec, events on) and `vmsim record --tool
# lackey` on bench/traces/mm.c (VMSIM_RECORD_RUNS runs each, default 3), then on
# bench/record/large.c (1 run each; lackey only with VMSIM_RECORD_LACKEY_LARGE=1: minutes).
if command -v valgrind >/dev/null 2>&1 && command -v "${CC:-cc}" >/dev/null 2>&1; then
    rec=$(mktemp -d)
    trap 'rm -rf "$large" "$rec"' EXIT
    machine
    "${CC:-cc}" -O2 -o "$rec/mm" bench/traces/mm.c && "${CC:-cc}" -O2 -o "$rec/large" bench/record/large.c
    timed() { # RUNS COMMAND...: the median wall-clock seconds
        runs=$1; shift
        : > "$rec/times"
        for i in $(seq "$runs"); do
            s=$(now); "$@" > /dev/null 2>"$rec/err"; e=$(now)
            elapsed "$s" "$e" >> "$rec/times"; echo >> "$rec/times"
        done
        median < "$rec/times"
    }
    for prog in mm large; do
        runs=${VMSIM_RECORD_RUNS:-3}; [ $prog = large ] && runs=1
        echo "== record $prog: median of $runs whole-process runs"
        t_none=$(timed "$runs" valgrind -q --tool=none "$rec/$prog")
        t_cg=$(timed "$runs" valgrind -q --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null "$rec/$prog")
        t_rec=$(timed "$runs" "$vmsim" record --no-progress -o "$rec/$prog.vt" -- "$rec/$prog")
        n=$(sed -n 's/.* \([0-9]*\) records written$/\1/p' "$rec/err")
        if [ "$(uname -m)" = x86_64 ] && grep -q "recording through lackey" "$rec/err"; then
            echo "   (vmsimrec is not built: vmsim record used lackey)"
        fi
        if [ $prog = mm ] || [ -n "${VMSIM_RECORD_LACKEY_LARGE:-}" ]; then
            t_lk=$(timed "$runs" valgrind -q --tool=lackey --trace-mem=yes --log-file=/dev/null "$rec/$prog")
            t_rl=$(timed "$runs" "$vmsim" record --no-progress --tool lackey -o "$rec/$prog.vt" -- "$rec/$prog")
        else
            t_lk=- t_rl=-
        fi
        printf '%-6s none %s s | cachegrind %s s | lackey to /dev/null %s s | vmsim record %s s (%s records, %.1f M records/s, %.2fx cachegrind) | vmsim record --tool lackey %s s\n' \
            "$prog" "$t_none" "$t_cg" "$t_lk" "$t_rec" "$n" \
            "$(awk -v n="$n" -v t="$t_rec" 'BEGIN { print n / t / 1e6 }')" \
            "$(awk -v a="$t_rec" -v b="$t_cg" 'BEGIN { print a / b }')" "$t_rl"
        rm -f "$rec/$prog.vt"
    done
    rm -rf "$rec"
else
    echo "== record: no valgrind or no C compiler: record timings skipped"
fi

dir=${VMSIM_TRACES:-bench/traces}
if [ "$dir" = bench/traces ] && [ ! -f bench/traces/sort.lackey.xz ]; then
    echo "== making bench/traces/sort.lackey.xz (Valgrind lackey of sort; a few minutes, once)"
    sh bench/traces/make-sort-trace.sh || echo "== no sort trace (see above): measuring mm only"
fi
if ! ls "$dir"/*.lackey.xz >/dev/null 2>&1; then
    echo "== traces: no $dir/*.lackey.xz here: trace benchmarks skipped"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$large"' EXIT
machine
for t in "$dir"/*.lackey.xz; do
    n=$(basename "$t" .lackey.xz)
    xz -dc "$t" > "$tmp/$n.lackey" && "$vmsim" trace --convert vmsim -o "$tmp/$n.vt" "$tmp/$n.lackey"
done
echo "== trace_parse (parse only)"
"$out/bench/trace_parse" "$tmp"/*.lackey "$tmp"/*.vt "$dir"/*.lackey.xz ||
    echo "bench: trace_parse exited with status $?"
echo "== tracesim (vmsim trace end to end: core-i7, kernel, clock, 256 MiB; best of 3)"
"$out/bench/tracesim" 3 "$tmp"/*.lackey "$tmp"/*.vt || echo "bench: tracesim exited with status $?"
echo "== vmsim trace - on xz -dc output, against xz -dc alone and the pipe alone (best of 3); peak RSS"
for t in "$dir"/*.lackey.xz; do
    n=$(basename "$t" .lackey.xz)
    best_x= best_d= best_p= best_z=
    for i in 1 2 3; do
        s=$(now); xz -dc "$t" > /dev/null; e=$(now); x=$(elapsed "$s" "$e")
        # the floor of any reader of the pipe: the same bytes through a pipe into dd
        s=$(now); xz -dc "$t" | dd bs=1M of=/dev/null 2>/dev/null; e=$(now); d=$(elapsed "$s" "$e")
        s=$(now); xz -dc "$t" | "$vmsim" trace --no-progress - > /dev/null; e=$(now)
        p=$(elapsed "$s" "$e")
        # decompressing in vmsim's reader thread instead (no pipe)
        s=$(now); "$vmsim" trace --no-progress "$t" > /dev/null; e=$(now); z=$(elapsed "$s" "$e")
        if [ -z "$best_x" ] || less "$x" "$best_x"; then best_x=$x; fi
        if [ -z "$best_d" ] || less "$d" "$best_d"; then best_d=$d; fi
        if [ -z "$best_p" ] || less "$p" "$best_p"; then best_p=$p; fi
        if [ -z "$best_z" ] || less "$z" "$best_z"; then best_z=$z; fi
    done
    ratio() { awk -v a="$1" -v b="$best_x" 'BEGIN { printf "%.2f", a / b }'; }
    printf '%-10s xz -dc %.2f s | xz -dc | dd %.2f s (%sx) | xz -dc | vmsim trace - %.2f s (%sx) | vmsim trace %s %.2f s (%sx)\n' \
        "$n" "$best_x" "$best_d" "$(ratio "$best_d")" "$best_p" "$(ratio "$best_p")" \
        "$(basename "$t")" "$best_z" "$(ratio "$best_z")"
    for f in "$tmp/$n.lackey" "$tmp/$n.vt" "$t"; do
        rss=$(/usr/bin/time -f %M "$vmsim" trace --no-progress "$f" 2>&1 >/dev/null | tail -1)
        printf '%-10s peak RSS of vmsim trace %s: %s KiB\n' "$n" "$(basename "$f")" "$rss"
    done
done
