$VMSIM pages --help
