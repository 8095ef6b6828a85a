$VMSIM run --on-linux tests/scenarios/munmap-split.vms
