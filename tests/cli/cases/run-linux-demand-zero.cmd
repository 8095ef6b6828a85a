$VMSIM run --on-linux tests/scenarios/demand-zero.vms
