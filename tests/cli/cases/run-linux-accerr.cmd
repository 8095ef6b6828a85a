$VMSIM run --on-linux tests/scenarios/accerr.vms
