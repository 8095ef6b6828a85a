#!/bin/sh
# Replays every fuzz target's corpus (fuzz/corpus/TARGET/*) through the target built
# with fuzz/replay_main.c; a crash or sanitizer report fails the suite.
out=$1
pass=0 fail=0
for bin in "$out"/fuzz-replay/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    dir=fuzz/corpus/$name
    if [ ! -d "$dir" ] || [ -z "$(ls -A "$dir")" ]; then
        echo "FAIL $name: empty corpus $dir" >&2; fail=$((fail + 1)); continue
    fi
    if "$bin" "$dir"/* >/dev/null 2>"$out/$name.log"; then pass=$((pass + 1));
    else fail=$((fail + 1)); echo "FAIL $name: see $out/$name.log" >&2; tail -n 20 "$out/$name.log" >&2; fi
done
echo "fuzz-replay: $pass passed, $fail failed"
[ $fail -eq 0 ]
