$VMSIM trace --convert din -o - tests/data/trace/small.lackey.gz | head -40 | tail -8
