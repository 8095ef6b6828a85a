$VMSIM translate --state tests/data/bad-geometry.state 0x10
