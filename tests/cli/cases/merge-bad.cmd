$VMSIM merge tests/data/merge/a.csv tests/data/merge/bad.csv
