$VMSIM trace --machine csapp-2level tests/data/trace/small.lackey
