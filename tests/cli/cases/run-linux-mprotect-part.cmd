$VMSIM run --on-linux tests/scenarios/mprotect-part.vms
