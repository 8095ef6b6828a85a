$VMSIM run --on-linux tests/scenarios/file-shared-procs.vms
