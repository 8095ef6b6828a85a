$VMSIM run --on-linux tests/scenarios/fork-cow.vms
