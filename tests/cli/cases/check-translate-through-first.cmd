$VMSIM check --seed 1 --mode through-first tests/data/teach/translate-seed1.answers
