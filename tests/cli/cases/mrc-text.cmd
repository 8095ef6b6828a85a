$VMSIM mrc --policy lru,2q,arc,lirs,lru2 --file tests/data/refs/textbook.txt
