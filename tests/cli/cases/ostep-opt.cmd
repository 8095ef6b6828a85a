s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy -s $s -p OPT -n 20 -m 8 -c || exit; s=$((s + 1)); done
