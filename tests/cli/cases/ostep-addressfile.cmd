s=0; while [ $s -lt 20 ]; do $VMSIM ostep paging-policy -s $s -f tests/data/ostep/refs.txt -p RAND -C 2 -c || exit; s=$((s + 1)); done
