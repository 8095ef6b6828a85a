$VMSIM run --check tests/scenarios/bad/value-too-big.vms
