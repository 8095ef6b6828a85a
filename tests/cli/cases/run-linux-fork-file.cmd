$VMSIM run --on-linux tests/scenarios/fork-file.vms
