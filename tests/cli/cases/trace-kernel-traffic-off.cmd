$VMSIM trace --set kernel_traffic=off --memory 32K --swap 1M tests/data/trace/pages.lackey
