$VMSIM translate --explain answer --sequential --state examples/csapp-small.state 0x0020 0x0020
