$VMSIM mrc --help
