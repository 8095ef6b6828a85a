$VMSIM run --on-linux tests/scenarios/proc-reuse.vms
