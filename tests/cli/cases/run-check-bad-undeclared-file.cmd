$VMSIM run --check tests/scenarios/bad/undeclared-file.vms
