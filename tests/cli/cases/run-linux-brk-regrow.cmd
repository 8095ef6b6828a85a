$VMSIM run --on-linux tests/scenarios/brk-regrow.vms
