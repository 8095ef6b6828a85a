$VMSIM run --on-linux tests/scenarios/fill-check.vms
