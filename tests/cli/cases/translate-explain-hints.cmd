$VMSIM translate --explain hints --state examples/csapp-small.state 0x03d4
