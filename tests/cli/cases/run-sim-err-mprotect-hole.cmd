$VMSIM run tests/scenarios/bad/mprotect-hole.vms
