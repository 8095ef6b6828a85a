printf "spawn P\nP mmap A 4K rw- private anon\nP store A 2 0x4142\nP load A+1 1\n" | $VMSIM run --on-linux -
