$VMSIM translate --explain steps --state examples/csapp-2level.state --access store 0x00400010
