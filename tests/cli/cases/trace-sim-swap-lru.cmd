$VMSIM trace --memory 32K --swap 1M --policy lru --json tests/data/trace/pages.lackey
