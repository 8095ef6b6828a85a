$VMSIM trace --convert lackey -o - tests/data/trace/small.vt | head -12
