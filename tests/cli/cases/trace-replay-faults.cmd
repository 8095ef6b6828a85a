$VMSIM trace --maps tests/data/replay/events.lackey | grep -E '^(ifetches|loads|stores|faults\.(minor|major|segv_maperr|segv_accerr)|os_|tests/|[0-9a-f]+-)'
