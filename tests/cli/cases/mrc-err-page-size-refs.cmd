$VMSIM mrc --page-size 4K --file tests/data/refs/textbook.txt
