$VMSIM trace --memory 32K --json tests/data/trace/pages.lackey
