$VMSIM translate --layout list --state examples/csapp-2level.state 0x00400123 0x00401004 0xbffffff0 0xbfffe000 0x08048000 0x12345678
