$VMSIM run --check tests/scenarios/bad/prot.vms
