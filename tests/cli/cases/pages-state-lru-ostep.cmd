$VMSIM pages --frames 3 --policy lru --state 0 1 2 0 1 3 0 3 1 2 1
