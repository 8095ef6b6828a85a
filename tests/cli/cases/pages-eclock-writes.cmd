$VMSIM pages --frames 3 --policy eclock 1w 2 3w 4 1 5 2w 6
