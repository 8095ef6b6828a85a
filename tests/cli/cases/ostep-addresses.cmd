s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy -s $s -a 0,1,2,0,1,3,0,3,1,2,1,4,0 -p CLOCK -b 3 -c || exit; s=$((s + 1)); done
