$VMSIM translate --state examples/csapp-small.state 0x4000
