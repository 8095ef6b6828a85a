$VMSIM pages --frames 2 --policy clock --state --width 40 1 2 3 2 1 4 1 2 5 2 12 3 2 1 10
