s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy -s $s -p CLOCK -C 4 -n 25 -c || exit; s=$((s + 1)); done
