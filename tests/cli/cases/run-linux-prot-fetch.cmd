$VMSIM run --on-linux tests/scenarios/prot-fetch.vms
