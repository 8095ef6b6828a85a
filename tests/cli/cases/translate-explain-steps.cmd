$VMSIM translate --explain steps --state examples/csapp-small.state 0x03d4 0x0020 0x0040
