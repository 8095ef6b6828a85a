$VMSIM translate --explain key --state examples/csapp-small.state 0x03d4
