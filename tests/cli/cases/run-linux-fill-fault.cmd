$VMSIM run --on-linux tests/scenarios/fill-fault.vms
