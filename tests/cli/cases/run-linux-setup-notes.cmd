$VMSIM run --on-linux tests/scenarios/setup-notes.vms
