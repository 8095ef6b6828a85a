$VMSIM machines
