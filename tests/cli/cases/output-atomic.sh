#!/bin/sh
# Output files are written whole or not at all: each goes to a temporary file beside it,
# renamed over it at the end. A run that fails leaves an old OUT byte for byte as it was
# (before: OUT was truncated when the run started) and no temporary file behind; a new
# file gets 0666 less the umask, a replaced one keeps its mode; a symlink stays a symlink
# and the file it names is replaced; devices are written in place.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
T=$PWD/tests/data/trace/small.lackey
A=$PWD/tests/data/merge/a.csv
BAD=$PWD/tests/data/merge/bad.csv
cd "$tmp" || exit 1
printf 'I 0x%s,4\nL garbage\n' 400000 > bad.lackey
old() { printf 'the old result\n' > "$1"; }
# kept OUT COMMAND...: the command exits 2 and OUT still holds the old result.
kept() {
    out=$1; shift
    old "$out"
    "$@" >/dev/null 2>err; rc=$?
    [ $rc = 2 ] || { echo "FAIL: '$*': exit status $rc, expected 2" >&2; cat err >&2; fail=1; }
    [ "$(cat "$out")" = "the old result" ] || { echo "FAIL: '$*' changed $out" >&2; fail=1; }
    rm -f "$out"
    left=$(ls -A | grep -v '^err$' | grep -v '^bad.lackey$' | tr '\n' ' ')
    [ -z "$left" ] || { echo "FAIL: '$*' left: $left" >&2; fail=1; }
}
kept o.din "$VMSIM" trace --convert din -o o.din bad.lackey
kept o.vt "$VMSIM" trace --convert vmsim -o o.vt no-such-trace
kept o.txt "$VMSIM" trace -o o.txt no-such-trace
kept o.txt "$VMSIM" trace --machine no-such-machine -o o.txt "$T"
kept o.svg "$VMSIM" trace --interval 100 --svg o.svg bad.lackey
kept o.csv "$VMSIM" merge -o o.csv "$A" "$BAD"
kept o.csv "$VMSIM" merge -o o.csv "$A" no-such.csv
kept o.svg "$VMSIM" mrc --policy lru --svg o.svg bad.lackey
kept o.txt "$VMSIM" mrc --policy lru -o o.txt no-such-trace
kept o.csv "$VMSIM" sweep --memory 1M -o o.csv no-such-trace
kept o.svg "$VMSIM" pages --ws-series --tau 2 --file no-such-refs --svg o.svg
# A run that stops at bad input still writes its statistics (marked partial) to -o.
"$VMSIM" trace --csv -o part.csv bad.lackey 2>/dev/null; rc=$?
[ $rc = 2 ] || { echo "FAIL: trace of a bad trace: exit status $rc" >&2; fail=1; }
grep -q partial part.csv || { echo "FAIL: the partial statistics are not in part.csv" >&2; fail=1; }
rm -f part.csv
# Modes: a new file honours the umask, a replaced file keeps its mode.
mode() { ls -l "$1" | cut -c1-10; }
(umask 077 && "$VMSIM" trace --convert din -o m1 "$T") || fail=1
[ "$(mode m1)" = "-rw-------" ] || { echo "FAIL: umask 077: $(mode m1)" >&2; fail=1; }
(umask 022 && "$VMSIM" trace --convert din -o m2 "$T") || fail=1
[ "$(mode m2)" = "-rw-r--r--" ] || { echo "FAIL: umask 022: $(mode m2)" >&2; fail=1; }
old m3 && chmod 640 m3 && (umask 000 && "$VMSIM" trace --convert din -o m3 "$T") || fail=1
[ "$(mode m3)" = "-rw-r-----" ] || { echo "FAIL: a replaced file's mode: $(mode m3)" >&2; fail=1; }
cmp -s m1 m3 || { echo "FAIL: m3 was not replaced" >&2; fail=1; }
# A symlink is kept; the file it points to gets the result.
old target && ln -s target link
"$VMSIM" trace --convert din -o link "$T" || fail=1
[ -L link ] || { echo "FAIL: the symlink was replaced by a file" >&2; fail=1; }
cmp -s target m1 || { echo "FAIL: the symlink's target does not hold the result" >&2; fail=1; }
# A hard link keeps the old contents (the rename replaces one name).
old h1 && ln h1 h2
"$VMSIM" trace --convert din -o h1 "$T" || fail=1
cmp -s h1 m1 && [ "$(cat h2)" = "the old result" ] || { echo "FAIL: hard links" >&2; fail=1; }
# A file we may not write is refused, not replaced (root may write anything: not checked).
if [ "$(id -u)" != 0 ]; then
    old ro && chmod 444 ro
    "$VMSIM" trace --convert din -o ro "$T" 2>/dev/null && { echo "FAIL: a read-only file was replaced" >&2; fail=1; }
    [ "$(cat ro)" = "the old result" ] || { echo "FAIL: the read-only file changed" >&2; fail=1; }
    rm -f ro
fi
# A device is written in place.
"$VMSIM" trace --convert din -o /dev/null "$T" || { echo "FAIL: -o /dev/null" >&2; fail=1; }
[ -c /dev/null ] || { echo "FAIL: /dev/null is no longer a device" >&2; fail=1; }
left=$(ls -A | grep -v '^err$' | tr '\n' ' ')
[ "$left" = "bad.lackey h1 h2 link m1 m2 m3 target " ] || { echo "FAIL: files left: $left" >&2; fail=1; }
exit $fail
