#!/bin/sh
# On a terminal, trace, mrc (the per-size simulation), sweep and record draw one progress
# line on stderr (drawn at once with VMSIM_PROGRESS_AFTER=0), redrawn in place with \r and
# cleared (\r ESC[K) before the command's own messages and at the end; --no-progress draws
# nothing. Needs python3 (its pty module gives the command a terminal as stderr).
command -v python3 >/dev/null 2>&1 || { echo "python3 not found (Debian: python3): progress on a terminal not checked" >&2; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
T=tests/data/trace/small.lackey
# onpty OUT ARGS...: run vmsim ARGS with stderr on a pseudo-terminal (stdout to OUT.stdout),
# what the terminal received into OUT (bytes, \r\n as the terminal sends newlines)
onpty() {
    out=$1; shift
    VMSIM_PROGRESS_AFTER=0 python3 -c '
import os, pty, subprocess, sys
master, slave = pty.openpty()
with open(sys.argv[2] + ".stdout", "wb") as so:
    p = subprocess.Popen(sys.argv[3:], stdin=subprocess.DEVNULL, stdout=so, stderr=slave)
os.close(slave)
data = b""
while True:
    try:
        d = os.read(master, 65536)
    except OSError:
        break
    if not d:
        break
    data += d
with open(sys.argv[2], "wb") as f:
    f.write(data)
sys.exit(p.wait())
' x "$out" "$VMSIM" "$@"
}
# drawn FILE PATTERN: the terminal got a progress line matching PATTERN (after \r) and its
# last bytes clear the line
drawn() {
    grep -q "$(printf '\r')$2" "$1" || { echo "FAIL: $1: no progress line like '$2':" >&2; od -c "$1" | head -8 >&2; fail=1; }
    [ "$(tail -c 4 "$1" | od -An -c | tr -d ' ')" = '\r033[K' ] ||
        { echo "FAIL: $1: the progress line is not cleared at the end:" >&2; od -c "$1" | tail -3 >&2; fail=1; }
}
onpty "$tmp/trace" trace $T || { echo "FAIL: trace on a terminal: exit $?" >&2; fail=1; }
drawn "$tmp/trace" '\[#* *\] 100%  0.0 M refs'
"$VMSIM" trace $T > "$tmp/plain" 2>/dev/null
cmp -s "$tmp/plain" "$tmp/trace.stdout" || { echo "FAIL: trace's results differ on a terminal" >&2; fail=1; }
onpty "$tmp/mrc" mrc --policy fifo $T || { echo "FAIL: mrc on a terminal: exit $?" >&2; fail=1; }
drawn "$tmp/mrc" '\[#* *\] 100%  5 of 5 sizes simulated'
grep -q "$(printf '\r')reading $T: 0.0 M records" "$tmp/mrc" || { echo "FAIL: mrc: no reading progress" >&2; fail=1; }
onpty "$tmp/sweep" sweep -j 1 --memory 1M,2M $T || { echo "FAIL: sweep on a terminal: exit $?" >&2; fail=1; }
drawn "$tmp/sweep" '\[#* *\]  50%  1/2 runs done'
drawn "$tmp/sweep" '\[#* *\] 100%  2/2 runs done'
# a run's warning while the line is drawn: the line is cleared first, the warning names
# the run's grid cell and stands on a line of its own
onpty "$tmp/marks" sweep -j 1 --memory 256M,32K tests/data/trace/pages.lackey
[ $? = 1 ] || { echo "FAIL: sweep with a killed run: exit status, expected 1" >&2; fail=1; }
want="$(printf '\r\033[K')vmsim sweep: run 2 of 2 (machine core-i7, memory 32K, swap 0, policy clock, quantum 10000, trace tests/data/trace/pages.lackey): tests/data/trace/pages.lackey: process 1 killed by the out-of-memory killer (the rest of its trace was not run)"
grep -qF "$want" "$tmp/marks" || { echo "FAIL: sweep's warning is not on a cleared line, or names no cell:" >&2; od -c "$tmp/marks" | head -20 >&2; fail=1; }
if command -v valgrind >/dev/null 2>&1; then
    onpty "$tmp/record" record -o "$tmp/true.vt" -- true || { echo "FAIL: record on a terminal: exit $?" >&2; fail=1; }
    grep -q "$(printf '\r')[0-9.]* M records  [0-9.]* M records/s" "$tmp/record" ||
        { echo "FAIL: record: no progress line" >&2; od -c "$tmp/record" | head >&2; fail=1; }
else
    echo "note: valgrind not found: record's progress not checked" >&2
fi
# --no-progress: nothing on the terminal
for c in "trace $T" "mrc --policy fifo $T" "sweep --memory 1M $T"; do
    onpty "$tmp/none" $c --no-progress || { echo "FAIL: $c --no-progress: exit $?" >&2; fail=1; }
    [ -s "$tmp/none" ] && { echo "FAIL: vmsim $c --no-progress drew on the terminal:" >&2; od -c "$tmp/none" | head -3 >&2; fail=1; }
done
exit $fail
