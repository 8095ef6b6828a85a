$VMSIM mrc --policy lru,clock --sizes 1-5 --json - < tests/data/trace/small.lackey.xz
