printf 'I  0400,3\n L zz,4\n S 10,8\n' | $VMSIM trace --count --skip-bad -
