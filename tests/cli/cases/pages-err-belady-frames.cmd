$VMSIM pages --frames 3 --belady --policy fifo 1 2 3
