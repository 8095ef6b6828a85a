$VMSIM translate --state tests/data/nonexistent.state 0x10
