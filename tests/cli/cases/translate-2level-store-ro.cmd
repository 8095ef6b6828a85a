$VMSIM translate --layout list --state examples/csapp-2level.state --access store 0x00400010
