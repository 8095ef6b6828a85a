$VMSIM check --seed 1 --mode per-field tests/data/teach/translate-seed1.answers
