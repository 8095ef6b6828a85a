$VMSIM gen run --seed 4 --want protection --answers
