$VMSIM pages --frames 3 --policy lru "7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1"
