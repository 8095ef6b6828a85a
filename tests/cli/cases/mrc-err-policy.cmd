$VMSIM mrc --policy lru,nope --file tests/data/refs/textbook.txt
