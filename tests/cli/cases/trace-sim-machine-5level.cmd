$VMSIM trace --machine x86-64-5level tests/data/trace/small.lackey
