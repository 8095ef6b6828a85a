$VMSIM trace --zero-page --machine csapp-small tests/data/trace/small14.lackey
