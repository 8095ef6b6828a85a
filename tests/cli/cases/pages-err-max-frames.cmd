$VMSIM pages --frames 2 --max-frames 4 --policy fifo 1 2 3
