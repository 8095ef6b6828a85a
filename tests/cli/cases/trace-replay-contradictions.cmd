$VMSIM trace tests/data/replay/contradictions.lackey | grep "^os_\|^faults.segv"
