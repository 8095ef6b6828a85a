TMPDIR=/dev/shm $VMSIM run --on-linux tests/scenarios/file-eof-remap.vms
