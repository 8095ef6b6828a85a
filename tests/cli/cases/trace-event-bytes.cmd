printf 'I  00401000,4\n! mmap 0x0 0x1000 rw- 0x22 -1 0x0 = 0x7f0000000000\n! process 7\nI  00401000,4\n! process 0\nI  00401004,4\n' | $VMSIM trace --convert vmsim --source '' -o - - | od -An -tx1
