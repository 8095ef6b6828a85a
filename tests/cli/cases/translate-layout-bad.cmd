$VMSIM translate --layout table --state examples/csapp-small.state 0x03d4
