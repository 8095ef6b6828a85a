$VMSIM translate --access fetch --explain steps --state examples/csapp-small.state 0x03d4
