$VMSIM run --on-linux tests/scenarios/brk.vms
