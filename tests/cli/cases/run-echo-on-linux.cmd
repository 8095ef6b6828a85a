$VMSIM run --echo --on-linux tests/scenarios/fork-cow.vms
