$VMSIM run --on-linux tests/scenarios/mprotect.vms
