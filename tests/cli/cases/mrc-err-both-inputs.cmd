$VMSIM mrc --file tests/data/refs/textbook.txt tests/data/trace/small.lackey
