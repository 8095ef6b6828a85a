$VMSIM translate --state tests/data/bad-tlb.state 0x10
