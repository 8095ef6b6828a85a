$VMSIM machines core-i7 --set tlb.l1d=48:4
