$VMSIM run --check tests/scenarios/bad/unbound.vms
