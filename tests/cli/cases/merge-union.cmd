$VMSIM merge tests/data/merge/a.csv tests/data/merge/b.csv
