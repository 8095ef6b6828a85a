$VMSIM trace --json --quantum 50 tests/data/trace/small.lackey tests/data/trace/pages.lackey
