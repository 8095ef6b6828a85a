printf 'I  0400,3\n L zz,4\n' | $VMSIM trace --count -
