s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy -s $s -p LRU -C 4 -n 20 -c || exit; s=$((s + 1)); done
