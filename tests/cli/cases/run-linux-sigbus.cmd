$VMSIM run --on-linux tests/scenarios/sigbus.vms
