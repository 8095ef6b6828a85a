#!/bin/sh
# Runs every benchmark program built under BUILD_DIR/bench/ (measured, never pass/fail).
# Usage: bench/run.sh BUILD_DIR
out=$1
for b in "$out"/bench/*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b" || echo "bench: $(basename "$b") exited with status $?"
done
