$VMSIM gen translate --seed 1 --answers
