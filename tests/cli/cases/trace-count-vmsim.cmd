$VMSIM trace --count tests/data/trace/small.vt
