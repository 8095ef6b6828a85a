$VMSIM trace --zero-page --memory 32K --swap 1M tests/data/trace/pages.lackey
