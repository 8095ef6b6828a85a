$VMSIM mrc --machine nope tests/data/trace/small.lackey
