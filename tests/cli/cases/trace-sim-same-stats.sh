# The statistics of a trace do not depend on how it was carried: lackey text, gzip, xz and
# zstd, the vmsim binary format, din, standard input, a pipe delivering a line at a time.
t=tests/data/trace/small
want=$("$VMSIM" trace --json - < $t.lackey) || exit 1
# check runs at the end of a pipeline, in a subshell: a difference is written to $bad,
# which fails the case at the end.
bad=$(mktemp) || exit 1
trap 'rm -f "$bad"' EXIT
check() { # LABEL, then the statistics on stdin
    got=$(cat)
    [ "$got" = "$want" ] || echo "$1 differs" >>"$bad"
}
for f in $t.lackey.gz $t.lackey.xz $t.vt; do
    "$VMSIM" trace --json - < $f | check $f
done
if "$VMSIM" trace --count $t.lackey.zst >/dev/null 2>&1; then
    "$VMSIM" trace --json - < $t.lackey.zst | check zst
fi
command -v xz >/dev/null 2>&1 &&
    xz -dc $t.lackey.xz | "$VMSIM" trace --json - | check "xz -dc | vmsim trace -"
awk '{ print; fflush() }' $t.lackey | "$VMSIM" trace --json - | check "line by line"
# the same file under its own name: only the name differs
"$VMSIM" trace --json $t.vt | sed 's|"trace":"tests/data/trace/small.vt"|"trace":"-"|' | check name
# converted to the binary format on the fly and read back through a pipe
"$VMSIM" trace --convert vmsim -o - $t.lackey | "$VMSIM" trace --json - | check converted
# converted to din (an M becomes a read line and a write line: the same load and store)
"$VMSIM" trace --convert din -o - $t.lackey | "$VMSIM" trace --json - | check din
[ -s "$bad" ] && { cat "$bad" >&2; exit 1; }
command -v xz >/dev/null 2>&1 ||
    { echo "xz not found (Debian: xz-utils): the xz -dc pipe not checked (the rest passed)" >&2; exit 77; }
exit 0
