$VMSIM run --check tests/scenarios/no-such-file.vms
