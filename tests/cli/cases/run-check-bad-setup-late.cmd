$VMSIM run --check tests/scenarios/bad/setup-late.vms
