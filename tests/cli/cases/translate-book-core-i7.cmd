t=$(mktemp) && printf 'machine core-i7\n' > "$t" && $VMSIM translate --state "$t" 0x7fff12345678; rm -f "$t"
