s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy -s $s -n 8 -m 20 -p LRU || exit; s=$((s + 1)); done
