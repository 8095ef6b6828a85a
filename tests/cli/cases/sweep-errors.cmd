for a in "--machines core-i7,nope" "--memory 1M,x" "--memory 1M,,2M" "--policy clock,opt" "--quantum 0" "--set bogus=1" "--swap 1Q" "-j 0" "--emit-jobs d -o x.csv"; do
    $VMSIM sweep $a tests/data/trace/small.lackey; echo "status $?"
done 2>&1
$VMSIM sweep tests/data/trace/missing.lackey 2>&1; echo "status $?"
$VMSIM sweep - 2>&1; echo "status $?"
$VMSIM sweep 2>&1; echo "status $?"
