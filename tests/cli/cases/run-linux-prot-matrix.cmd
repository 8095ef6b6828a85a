$VMSIM run --on-linux tests/scenarios/prot-matrix.vms
