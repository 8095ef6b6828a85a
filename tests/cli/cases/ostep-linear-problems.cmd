s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-linear-translate -s $s -v || exit; s=$((s + 1)); done
