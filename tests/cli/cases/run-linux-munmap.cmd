$VMSIM run --on-linux tests/scenarios/munmap.vms
