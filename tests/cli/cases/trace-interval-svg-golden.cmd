$VMSIM trace --interval 100 --svg /dev/stdout -o /dev/null tests/data/trace/pages.lackey
