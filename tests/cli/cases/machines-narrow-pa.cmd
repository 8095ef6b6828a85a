$VMSIM machines core-i7 --set pa_bits=12
