$VMSIM mrc --policy lru,opt,lfu,fifo,clock --csv --file tests/data/refs/textbook.txt
