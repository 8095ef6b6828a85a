printf '! brk_start 0x405000\nI  00401000,4\n! process 5\n L 00402000,8\n! exit_group 0\n' | $VMSIM trace - | grep "^os_"
