s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy -s $s -p FIFO -c || exit; s=$((s + 1)); done
