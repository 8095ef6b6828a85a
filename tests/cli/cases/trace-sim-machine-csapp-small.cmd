$VMSIM trace --machine csapp-small tests/data/trace/small14.lackey
