# Two processes switching every 20 references: without PCID every switch flushes the TLBs
# (more misses and walks); with pcid=on both processes' entries survive. With a quantum longer
# than the traces there is one switch (at the end of the first), as many misses either way
# since no entry is reused across it... or so we check: equal counts.
d=tests/data/trace
misses() { "$VMSIM" trace "$@" $d/small.lackey $d/pages.lackey |
           awk '$1 == "tlb.l1d.misses" || $1 == "tlb.l1i.misses" { m += $2 } $1 == "walks.count" { w = $2 }
                END { print m + 0, w + 0 }'; }
off=$(misses --quantum 20 --set pcid=off)
on=$(misses --quantum 20 --set pcid=on)
set -- $off $on
[ "$1" -gt "$3" ] && [ "$2" -gt "$4" ] || { echo "pcid off: $off, on: $on" >&2; exit 1; }
long_off=$(misses --quantum 100000 --set pcid=off)
long_on=$(misses --quantum 100000 --set pcid=on)
[ "$long_off" = "$long_on" ] || { echo "one switch: off $long_off, on $long_on" >&2; exit 1; }
sw=$("$VMSIM" trace --quantum 20 $d/small.lackey $d/pages.lackey | awk '$1 == "context_switches" { print $2 }')
[ "$sw" -ge 25 ] || { echo "only $sw switches with quantum 20" >&2; exit 1; }
