s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy -s $s -p RAND -n 20 -c || exit; s=$((s + 1)); done
