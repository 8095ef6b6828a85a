$VMSIM pages --frames 3 --policy fifo --file tests/data/refs/textbook.txt
