$VMSIM pages --frames 3 --policy lru --json 1 2 3w 1 4 5
