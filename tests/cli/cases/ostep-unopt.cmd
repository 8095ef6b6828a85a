s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy -s $s -p UNOPT -C 2 -n 15 -c || exit; s=$((s + 1)); done
