$VMSIM run --on-linux tests/scenarios/no-data-lost.vms
