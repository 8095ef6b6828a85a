$VMSIM run --check tests/scenarios/bad/command-word.vms
