printf 'I  00401000,3\n L 10000000,8\n L zz,4\n S 10000008,8\n' | $VMSIM trace --json -
