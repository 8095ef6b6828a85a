$VMSIM mrc --policy lru,clock-pro,opt --sizes 1-6,20,90 tests/data/trace/mrc.lackey
