#!/bin/sh
# Throughput benchmarks (`make bench`): measured, never pass/fail. $1 is the build dir.
# Benchmarks that need a trace skip it quietly when the trace is absent.
out=${1:-build}
echo "== translate → L1 path (references per second, one core)"
"$out/bench/translate" 1 || echo "translate: failed (status $?)"
exit 0
