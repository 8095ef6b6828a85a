$VMSIM run --check tests/scenarios/bad/offset-anon.vms
