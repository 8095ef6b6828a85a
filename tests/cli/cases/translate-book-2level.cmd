$VMSIM translate --state examples/csapp-2level.state 0x00400123 0xbfffe000 0x12345678
