$VMSIM gen run --seed 2 --want protection --answers
