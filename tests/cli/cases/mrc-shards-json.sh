#!/bin/sh
# mrc --shards adds a sampled curve and reports its error against the exact one.
"$VMSIM" mrc --policy lru --shards 0.5 --json --file tests/data/refs/textbook.txt |
    grep -q '"mean_abs_error"' || exit 1
