$VMSIM pages --belady --policy fifo 1 2 3 4 1 2 5 1 2 3 4 5
