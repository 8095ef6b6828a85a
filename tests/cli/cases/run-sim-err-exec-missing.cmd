$VMSIM run tests/scenarios/bad/exec-missing.vms
