# lackey -> vmsim binary -> lackey keeps every record; the binary file is several times smaller.
command -v xz >/dev/null 2>&1 ||
    { echo "xz not found (Debian: xz-utils): the round trip starts from xz -dc" >&2; exit 77; }
t=$(mktemp -d); trap 'rm -rf "$t"' EXIT
xz -dc tests/data/mm-excerpt.lackey.xz > "$t/in.lackey"
"$VMSIM" trace --convert vmsim -o "$t/b.vtr" "$t/in.lackey" || exit 1
"$VMSIM" trace --convert lackey -o "$t/back.lackey" "$t/b.vtr" || exit 1
grep -v '^==' "$t/in.lackey" | cmp -s - "$t/back.lackey" || { echo "round trip differs" >&2; exit 1; }
a=$(wc -c < "$t/in.lackey"); b=$(wc -c < "$t/b.vtr")
[ $((b * 3)) -lt "$a" ] || { echo "binary $b bytes not 3x smaller than $a" >&2; exit 1; }
