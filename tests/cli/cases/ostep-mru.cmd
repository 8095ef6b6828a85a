s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy -s $s -p MRU -n 12 -m 6 -c || exit; s=$((s + 1)); done
