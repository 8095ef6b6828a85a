$VMSIM translate --json --explain answer --state examples/csapp-small.state 0x03d4
