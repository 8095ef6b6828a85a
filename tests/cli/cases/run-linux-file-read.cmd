$VMSIM run --on-linux tests/scenarios/file-read.vms
