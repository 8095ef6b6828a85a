$VMSIM pages --frames 3 --policy belady 1 2 3
