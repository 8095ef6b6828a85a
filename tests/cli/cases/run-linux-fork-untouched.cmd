$VMSIM run --on-linux tests/scenarios/fork-untouched.vms
