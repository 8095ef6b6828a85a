$VMSIM gen pages --seed 3 --answers
