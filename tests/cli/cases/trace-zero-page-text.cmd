$VMSIM trace --zero-page tests/data/trace/small.lackey
