$VMSIM run --help | head -3
