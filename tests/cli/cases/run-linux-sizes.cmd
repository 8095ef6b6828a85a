$VMSIM run --on-linux tests/scenarios/sizes.vms
