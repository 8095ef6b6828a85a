$VMSIM pages --frames 3 --policy clock --file tests/data/refs/textbook.txt
