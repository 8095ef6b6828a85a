$VMSIM pages --belady --max-frames 6 --policy lru --json 1 2 3 4 1 2 5 1 2 3 4 5
