$VMSIM run --on-linux tests/scenarios/pages-small.vms
