$VMSIM run --on-linux tests/scenarios/shared-anon.vms
