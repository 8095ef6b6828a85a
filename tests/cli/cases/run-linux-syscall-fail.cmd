$VMSIM run --on-linux tests/scenarios/syscall-fail.vms
