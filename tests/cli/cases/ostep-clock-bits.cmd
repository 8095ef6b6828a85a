s=0; while [ $s -lt 50 ]; do $VMSIM ostep paging-policy --seed=$s --policy=CLOCK --clockbits=1 --cachesize=3 --numaddrs=30 --maxpage=7 --compute --notrace || exit; s=$((s + 1)); done
