s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-multilevel-translate -s $s -c || exit; s=$((s + 1)); done
