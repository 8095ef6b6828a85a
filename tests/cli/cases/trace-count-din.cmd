$VMSIM trace --stats-only tests/data/trace/small.din
