$VMSIM mrc --policy lru tests/data/refs/textbook.txt
