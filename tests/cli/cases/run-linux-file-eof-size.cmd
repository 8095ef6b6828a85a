$VMSIM run --on-linux tests/scenarios/file-eof-size.vms
