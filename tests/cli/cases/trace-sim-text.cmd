$VMSIM trace tests/data/trace/small.lackey
