$VMSIM trace --machine core-i7 --set cache.l3=0 --set psc=off tests/data/trace/small.din
