$VMSIM run --check tests/scenarios/bad/size.vms
