$VMSIM run --on-linux tests/scenarios/file-private-cow.vms
