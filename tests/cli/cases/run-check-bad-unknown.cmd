$VMSIM run --check tests/scenarios/bad/unknown.vms
