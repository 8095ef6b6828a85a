$VMSIM mrc tests/data/trace/no-such-trace.lackey
