$VMSIM mrc --policy lru,fifo --file tests/data/refs/textbook.txt -o /dev/null --svg /dev/stdout
