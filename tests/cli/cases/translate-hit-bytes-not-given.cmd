t=$(mktemp) && printf 'machine csapp-small\npte 0x00 ppn=0x28 valid=1\ncache 0x8 0 tag=0x28 valid=1 bytes=-\n' > "$t" && $VMSIM translate --state "$t" 0x0020 | tail -n 2; rm -f "$t"
