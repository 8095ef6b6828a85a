$VMSIM pages --frames 0 --policy fifo 1 2 3
