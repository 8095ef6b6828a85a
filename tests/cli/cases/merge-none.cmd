$VMSIM merge
