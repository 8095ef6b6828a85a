PATH=/nonexistent "$VMSIM" mrc --policy lru --png /nonexistent/mrc.png --file tests/data/refs/textbook.txt
