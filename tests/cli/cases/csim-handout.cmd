d=$(mktemp -d) && cp tests/data/csim/yi.trace "$d" && cd "$d" && $VMSIM csim -v -s 4 -E 1 -b 4 -t yi.trace; rc=$?; cat .csim_results; cd / && rm -rf "$d"; exit $rc
