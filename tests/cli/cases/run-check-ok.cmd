for f in tests/scenarios/*.vms; do $VMSIM run --check "$f" || exit 1; done
