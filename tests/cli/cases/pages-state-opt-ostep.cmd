$VMSIM pages --frames 3 --policy opt --state 0 1 2 0 1 3 0 3 1 2 1
