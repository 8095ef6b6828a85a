$VMSIM trace --csv --quantum 100 --set pcid=on tests/data/trace/small.lackey tests/data/trace/pages.lackey
