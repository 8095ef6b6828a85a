$VMSIM translate --layout list --explain steps --state examples/csapp-small.state 0x03d4
