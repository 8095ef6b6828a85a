printf 'spawn P\nP stats all\n' | $VMSIM run --check -
