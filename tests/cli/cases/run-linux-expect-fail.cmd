$VMSIM run --on-linux tests/scenarios/expect-fail.vms
