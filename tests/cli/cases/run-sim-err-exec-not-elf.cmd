$VMSIM run tests/scenarios/bad/exec-not-elf.vms
