$VMSIM mrc --policy lru,opt - < tests/data/trace/small.lackey
