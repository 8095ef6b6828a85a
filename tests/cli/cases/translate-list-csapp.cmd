$VMSIM translate --layout list --state examples/csapp-small.state 0x03d4 0x0020
