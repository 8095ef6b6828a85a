$VMSIM trace --interval 100 tests/data/trace/pages.lackey
