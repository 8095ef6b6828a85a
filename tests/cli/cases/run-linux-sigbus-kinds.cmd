$VMSIM run --on-linux tests/scenarios/sigbus-kinds.vms
