$VMSIM run --on-linux tests/scenarios/mmap-at.vms
