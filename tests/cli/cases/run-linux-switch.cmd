$VMSIM run --on-linux tests/scenarios/switch.vms
