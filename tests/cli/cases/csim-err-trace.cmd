d=$(mktemp -d) && cd "$d" && printf ' L 10,1\nI  400,4\n M 20 1\n' >bad.trace && $VMSIM csim -v -s 4 -E 1 -b 4 -t bad.trace; rc=$?; ls -A; cd / && rm -rf "$d"; exit $rc
