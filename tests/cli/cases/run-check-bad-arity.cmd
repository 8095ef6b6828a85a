$VMSIM run --check tests/scenarios/bad/arity.vms
