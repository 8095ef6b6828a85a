$VMSIM trace --convert dinero -o /dev/null tests/data/trace/small.lackey
