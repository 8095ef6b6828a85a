$VMSIM gen pages --seed 3 --count 3 --format md --answers
