$VMSIM trace --machine csapp-small --memory 1K --swap 4K tests/data/trace/small14.lackey
