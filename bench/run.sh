#!/bin/sh
# Benchmarks (measured, never pass/fail). Usage: bench/run.sh BUILD_DIR
# Others add their sections below; each prints a heading and its numbers.
out=${1:-build}
traces=${VMSIM_TRACES:-../shared/traces}
[ -d "$traces" ] || traces=/work/shared/traces

# ---- Trace parsing: parse-only rates of the lackey text and of the same trace in the
# vmsim binary format. The .xz traces are decompressed once to a temporary directory.
echo "== trace parsing (parse-only, best of 3; MB/s of the file as stored)"
if ls "$traces"/*.lackey.xz >/dev/null 2>&1; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    for xz in "$traces"/*.lackey.xz; do
        name=$(basename "$xz" .xz)
        xz -dc "$xz" > "$tmp/$name"
        "$out/vmsim" trace --convert vmsim -o "$tmp/$name.vt" "$tmp/$name"
        "$out/bench/trace_parse" "$tmp/$name" "$tmp/$name.vt" "$xz" | sed "s|$tmp/||; s|$traces/||"
        printf '%-40s text %d bytes, binary %d bytes (%.1fx smaller)\n' "$name" \
            "$(wc -c < "$tmp/$name")" "$(wc -c < "$tmp/$name.vt")" \
            "$(echo "$(wc -c < "$tmp/$name") $(wc -c < "$tmp/$name.vt")" | awk '{ print $1 / $2 }')"
        rm -f "$tmp/$name" "$tmp/$name.vt"
    done
else
    echo "(no $traces/*.lackey.xz: measuring the bundled sample only)"
    "$out/bench/trace_parse" tests/data/trace/small.lackey tests/data/trace/small.vt
fi
