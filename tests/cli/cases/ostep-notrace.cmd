s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy -s $s -N -c -n 100 -m 20 -p LRU -C 5 || exit; s=$((s + 1)); done
