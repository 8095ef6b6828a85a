$VMSIM translate --state examples/csapp-small.state 0x0020
