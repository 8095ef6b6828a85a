$VMSIM run --on-linux tests/scenarios/bad/unbound.vms
