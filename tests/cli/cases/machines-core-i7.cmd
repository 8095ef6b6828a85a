$VMSIM machines core-i7
