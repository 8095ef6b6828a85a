$VMSIM ostep paging-policy -p SECOND-CHANCE -c -s 4
