$VMSIM run --on-linux tests/scenarios/file-writeback.vms
