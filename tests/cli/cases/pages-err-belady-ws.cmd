$VMSIM pages --belady --policy ws --tau 2 1 2 3
