$VMSIM mrc --page-size 3000 tests/data/trace/small.lackey
