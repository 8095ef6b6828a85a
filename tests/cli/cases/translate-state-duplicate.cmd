t=$(mktemp) && sed '/^pte 0x0f /a\
pte 0x0f ppn=0x11 valid=1' examples/csapp-small.state > "$t" && $VMSIM translate --state "$t" 0x03d4 2>"$t.err"; rc=$?; sed "s|$t|STATE|" "$t.err" >&2; rm -f "$t" "$t.err"; exit $rc
