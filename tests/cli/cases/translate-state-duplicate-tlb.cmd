t=$(mktemp) && sed '/^tlb 3 3 /a\
tlb 3 1 tag=0x03 ppn=0x0d valid=1' examples/csapp-small.state > "$t" && $VMSIM translate --state "$t" 0x03d4 2>"$t.err"; rc=$?; sed "s|$t|STATE|" "$t.err" >&2; rm -f "$t" "$t.err"; exit $rc
