printf 'I  00401000,4\n L 00402000,8\n! brk 0x0 = 0x405000\n' | $VMSIM trace --convert din -o - -
