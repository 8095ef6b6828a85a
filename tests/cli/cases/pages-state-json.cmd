$VMSIM pages --frames 3 --policy fifo --state --json 1 2 3 1 4
