#!/bin/sh
# --png files go through a temporary file too: gnuplot is told to draw into the temporary
# file, which is renamed over the PNG when gnuplot succeeded and removed when it failed (an
# old PNG stays). A stand-in gnuplot on PATH writes "PNG" to the file of the script's `set
# output` (or fails), so this runs without gnuplot; the drawing itself is mrc-png's test.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
T=$PWD/tests/data/trace/small.lackey
mkdir "$tmp/bin" "$tmp/w"
cat > "$tmp/bin/gnuplot" <<'EOF'
#!/bin/sh
out=$(sed -n "s/^set output [\"']\(.*\)[\"'].*/\1/p" | head -n 1)
[ -n "$GP_FAIL" ] && { [ -n "$out" ] && printf 'HALF' > "$out"; exit 1; }
[ -n "$out" ] && printf 'PNG' > "$out"
EOF
chmod +x "$tmp/bin/gnuplot"
PATH=$tmp/bin:$PATH
export PATH
cd "$tmp/w" || exit 1
fail=0
# ok FILE COMMAND...: FILE (old before) holds the stand-in's PNG after
ok() {
    f=$1; shift
    echo old > "$f"
    "$@" > /dev/null 2> err || { echo "FAIL: '$*': exit status $?" >&2; cat err >&2; fail=1; }
    [ "$(cat "$f")" = PNG ] || { echo "FAIL: '$*': $f holds $(cat "$f")" >&2; fail=1; }
}
# kept FILE COMMAND...: gnuplot fails; exit 2, FILE still old
kept() {
    f=$1; shift
    echo old > "$f"
    GP_FAIL=1 "$@" > /dev/null 2> err; rc=$?
    [ $rc = 2 ] || { echo "FAIL: '$*' with gnuplot failing: exit status $rc" >&2; fail=1; }
    [ "$(cat "$f")" = old ] || { echo "FAIL: '$*' with gnuplot failing: $f holds $(cat "$f")" >&2; fail=1; }
}
ok m.png "$VMSIM" mrc --policy lru --png m.png "$T"
ok w.png "$VMSIM" mrc --policy lru --ws-series w.png "$T"
ok i.png "$VMSIM" trace --interval 100 --png i.png "$T"
kept m.png "$VMSIM" mrc --policy lru --png m.png "$T"
kept i.png "$VMSIM" trace --interval 100 --png i.png "$T"
left=$(ls -A | grep -v '^err$' | tr '\n' ' ')
[ "$left" = "i.png m.png w.png " ] || { echo "FAIL: files left: $left" >&2; fail=1; }
exit $fail
