$VMSIM pages --policy ws 1 2 3
