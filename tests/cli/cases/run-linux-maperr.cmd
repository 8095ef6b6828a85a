$VMSIM run --on-linux tests/scenarios/maperr.vms
