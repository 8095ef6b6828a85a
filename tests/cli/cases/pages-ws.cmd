$VMSIM pages --policy ws --tau 3 1 2 1 3 4 4 3 1 2
