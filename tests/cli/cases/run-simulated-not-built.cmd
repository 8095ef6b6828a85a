$VMSIM run tests/scenarios/sizes.vms
