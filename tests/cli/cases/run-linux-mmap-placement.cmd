$VMSIM run --on-linux tests/scenarios/mmap-placement.vms
