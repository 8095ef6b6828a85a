$VMSIM run --on-linux tests/scenarios/page-span.vms
