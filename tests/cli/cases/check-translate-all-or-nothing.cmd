$VMSIM check --seed 1 --mode all-or-nothing tests/data/teach/translate-seed1.answers
