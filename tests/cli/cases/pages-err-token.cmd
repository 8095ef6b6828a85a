$VMSIM pages --frames 3 --policy fifo 1 2 3x 4
