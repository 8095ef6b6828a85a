for a in "--memory 12Q" "--memory 0" "--quantum 0" "--machine nope" "--set nokey=1" "--set tlb.l1d=3:2" "--policy opt" "--policy nope" "--json --csv" "--interval 0" "--interval 10 --params" "--swap" "--source x"; do
    $VMSIM trace $a tests/data/trace/small.lackey; echo "status $?"
done 2>&1
$VMSIM trace tests/data/trace/missing.lackey 2>&1; echo "status $?"
$VMSIM trace - - < tests/data/trace/small.lackey 2>&1; echo "status $?"
$VMSIM trace --json 2>&1; echo "status $?"
$VMSIM trace --count --json tests/data/trace/small.lackey 2>&1; echo "status $?"
