$VMSIM run --on-linux tests/scenarios/oom.vms
